//! The runtime crate (`templates/runtime`) agrees with what the generator
//! emits around it: its stand-ins for the generated modules are the
//! generator's output for its fixture, and it has the dependencies and the
//! public names of a generated crate.

use std::collections::BTreeSet;
use std::path::PathBuf;

use generator::{Config, Generated, OutputFile};

/// Stand-ins of the runtime crate, and the generated file each is.
const STAND_INS: &[(&str, &str)] = &[
    ("src/stand_in/auth.rs", "src/auth.rs"),
    ("src/stand_in/config.rs", "src/config.rs"),
];

fn runtime_dir() -> PathBuf {
    tests::workspace().join("templates/runtime")
}

fn generate_fixture() -> Generated {
    let spec = runtime_dir().join("fixture/openapi.yaml");
    let (config, _) = Config::discover(&spec).expect("the fixture's config is valid");
    generator::generate(&spec, &config).expect("the fixture generates")
}

fn generated<'a>(generated: &'a Generated, path: &str) -> &'a OutputFile {
    generated
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is generated"))
}

fn read(path: &str) -> String {
    let path = runtime_dir().join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn stand_ins_are_what_the_generator_emits() {
    let fixture = generate_fixture();
    let update = std::env::var_os("UPDATE_STAND_INS").is_some();
    let mut stale = Vec::new();
    for (stand_in, path) in STAND_INS {
        let expected = &generated(&fixture, path).contents;
        if read(stand_in) != *expected {
            if update {
                let target = runtime_dir().join(stand_in);
                std::fs::write(&target, expected).expect("the stand-in is written");
            }
            stale.push(*stand_in);
        }
    }
    assert!(
        update || stale.is_empty(),
        "stand-ins differ from what the generator emits for templates/runtime/fixture: \
         {stale:?}; review the change, then rewrite them with \
         `UPDATE_STAND_INS=1 cargo test -p tests --test runtime`"
    );
}

/// The lines of a manifest's `[dependencies]` table.
fn dependencies(manifest: &str) -> Vec<&str> {
    manifest
        .lines()
        .skip_while(|l| l.trim() != "[dependencies]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect()
}

#[test]
fn runtime_has_the_dependencies_of_a_generated_crate() {
    let fixture = generate_fixture();
    let manifest = &generated(&fixture, "Cargo.toml").contents;
    let runtime = read("Cargo.toml");
    assert!(!dependencies(manifest).is_empty(), "{manifest}");
    assert_eq!(
        dependencies(&runtime),
        dependencies(manifest),
        "templates/runtime/Cargo.toml and templates/Cargo.toml.j2 list different dependencies"
    );
}

/// What a crate root makes public: `path::Name` of each `pub use`, and
/// each `pub type`.
fn public_names(source: &str) -> BTreeSet<String> {
    let file = syn::parse_file(source).expect("the crate root parses");
    let mut names = BTreeSet::new();
    for item in &file.items {
        match item {
            syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                use_leaves(&u.tree, String::new(), &mut names);
            }
            syn::Item::Type(t) if matches!(t.vis, syn::Visibility::Public(_)) => {
                names.insert(format!("type {}", t.ident));
            }
            _ => {}
        }
    }
    names
}

fn use_leaves(tree: &syn::UseTree, prefix: String, out: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(p) => use_leaves(&p.tree, format!("{prefix}{}::", p.ident), out),
        syn::UseTree::Name(n) => {
            out.insert(format!("{prefix}{}", n.ident));
        }
        syn::UseTree::Rename(r) => {
            out.insert(format!("{prefix}{} as {}", r.ident, r.rename));
        }
        syn::UseTree::Glob(_) => {
            out.insert(format!("{prefix}*"));
        }
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_leaves(tree, prefix.clone(), out);
            }
        }
    }
}

#[test]
fn runtime_exports_the_names_of_a_generated_crate() {
    let fixture = generate_fixture();
    let generated_root = public_names(&generated(&fixture, "src/lib.rs").contents);
    assert!(generated_root.len() > 5, "{generated_root:?}");
    assert_eq!(public_names(&read("src/lib.rs")), generated_root);
}

/// The `rust-version` a manifest declares, as `(major, minor)`.
fn rust_version(manifest: &str) -> (u32, u32) {
    let line = manifest
        .lines()
        .find(|l| l.starts_with("rust-version = "))
        .expect("the manifest declares a rust-version");
    let version = line.trim_start_matches("rust-version = ").trim_matches('"');
    let mut parts = version
        .split('.')
        .map(|p| p.parse::<u32>().expect("a number"));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The runtime uses `if let .. && let ..` chains, stable since Rust 1.88
/// (edition 2024); its dependencies ask for at most 1.85. Generated
/// crates and the workspace must not declare less than the runtime needs.
#[test]
fn declared_rust_version_covers_let_chains_in_the_runtime() {
    let uses_let_chains = std::fs::read_dir(runtime_dir().join("src"))
        .expect("the runtime sources are listed")
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .any(|source| source.contains("&& let "));
    assert!(
        uses_let_chains,
        "update this test if the runtime stops using let chains"
    );
    let workspace = std::fs::read_to_string(tests::workspace().join("Cargo.toml"))
        .expect("the workspace manifest is read");
    assert!(rust_version(&workspace) >= (1, 88), "workspace Cargo.toml");
    let output = generate_fixture();
    let manifest = &generated(&output, "Cargo.toml").contents;
    assert!(rust_version(manifest) >= (1, 88), "{manifest}");
}
