//! Per-stage timings of the generator pipeline, so a regression shows up in
//! the stage that caused it.
//!
//! ```text
//! cargo bench -p generator --bench pipeline            # spec/openapi.yaml and the corpus
//! cargo bench -p generator --bench pipeline -- spec/   # one input
//! ```
//!
//! Stages, each timed on the output of the previous one:
//! - `parse`: `load::load` (read the file, parse YAML/JSON, typed model);
//! - `validate`: `validate::validate`;
//! - `ir`: `ir::build`;
//! - `emit`: `emit::emit`, which builds tokens with `quote!` and formats
//!   them with `syn` + `prettyplease` on every core;
//! - `format`: the formatting part of `emit` alone: `syn::parse2` and
//!   `prettyplease::unparse` of every emitted Rust file, on one thread
//!   (the tokens are those of the emitted text, prepared outside the timing);
//! - `write_fresh` / `write_unchanged`: `write::write` into an empty
//!   directory, and again over identical files (which it leaves alone);
//! - `generate`: the whole in-memory pipeline, `generator::generate`.
//!
//! Inputs: `spec/openapi.yaml` (group `spec`) and, when it exists,
//! Cloudflare's whole description in `../shared/corpus/` (group `corpus`;
//! skipped with a note otherwise).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use generator::{Config, OutputFile, emit, ir, load, validate, write};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A directory under `target/` that no other run uses.
fn scratch_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    workspace()
        .join("target")
        .join("bench-pipeline")
        .join(format!("{}-{n}", std::process::id()))
}

fn stages(c: &mut Criterion, group: &str, spec: &Path, config: &Config, samples: usize) {
    let mut doc = load::load(spec).expect("the spec loads");
    validate::validate(&mut doc);
    let (api, _) = ir::build(&doc, config).expect("the spec builds");
    let files = emit::emit(&api).expect("the spec emits");
    let rust: Vec<proc_macro2::TokenStream> = files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| f.contents.parse().expect("emitted Rust lexes"))
        .collect();

    let mut g = c.benchmark_group(group);
    g.sample_size(samples);
    g.bench_function("parse", |b| b.iter(|| load::load(spec).unwrap()));
    g.bench_function("validate", |b| b.iter(|| validate::validate(&mut doc)));
    g.bench_function("ir", |b| b.iter(|| ir::build(&doc, config).unwrap()));
    g.bench_function("emit", |b| b.iter(|| emit::emit(&api).unwrap()));
    g.bench_function("format", |b| {
        b.iter_batched(
            || rust.clone(),
            |tokens| {
                tokens
                    .into_iter()
                    .map(|t| prettyplease::unparse(&syn::parse2::<syn::File>(t).unwrap()))
                    .collect::<Vec<String>>()
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("write_fresh", |b| {
        b.iter_custom(|iters| timed_writes(iters, &files, false))
    });
    g.bench_function("write_unchanged", |b| {
        b.iter_custom(|iters| timed_writes(iters, &files, true))
    });
    g.bench_function("generate", |b| {
        b.iter(|| generator::generate(spec, config).unwrap())
    });
    g.finish();
}

/// Total time of `iters` writes of `files`, each into a new directory
/// (written once beforehand, untimed, when `unchanged`).
fn timed_writes(iters: u64, files: &[OutputFile], unchanged: bool) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let dir = scratch_dir();
        if unchanged {
            write::write(&dir, files).unwrap();
        }
        let start = Instant::now();
        write::write(&dir, files).unwrap();
        total += start.elapsed();
        std::fs::remove_dir_all(&dir).unwrap();
    }
    total
}

fn spec(c: &mut Criterion) {
    let spec = workspace().join("spec/openapi.yaml");
    let (config, _) = Config::discover(&spec).unwrap();
    stages(c, "spec", &spec, &config, 30);
}

fn corpus(c: &mut Criterion) {
    let spec = workspace().join("../shared/corpus/cloudflare-openapi-2024-08.json");
    if !spec.is_file() {
        eprintln!("corpus benchmarks skipped: no corpus at {}", spec.display());
        return;
    }
    let config = Config::from_file(&workspace().join("scripts/corpus/generator.yaml")).unwrap();
    stages(c, "corpus", &spec, &config, 10);
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1));
    targets = spec, corpus
}
criterion_main!(benches);
