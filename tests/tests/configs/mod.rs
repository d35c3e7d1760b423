//! Random generator configurations for the `configs` fixture
//! (`tests/fixtures/configs`), from a seed: valid ones, built from values
//! valid for what each becomes, and invalid ones, a valid one with one
//! value broken. Used by `random_configs.rs` and, for two fixed seeds,
//! by the compile check of `fixtures.rs`.

#![allow(dead_code)] // Each test file uses a part.

use std::path::Path;

use serde_json::{Map, Value, json};

/// The configs fixture's description.
pub fn spec() -> std::path::PathBuf {
    tests::workspace().join("tests/fixtures/configs/openapi.yaml")
}

/// Its security schemes.
const SCHEMES: &[&str] = &["bearer", "key", "query_key", "secret"];
/// Its operationIds.
const OPERATIONS: &[&str] = &[
    "backoff-get",
    "client-get",
    "max-pages-list",
    "things-delete",
    "things-get",
    "uri-create",
    "user-agent-get",
];

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (which is not 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True half of the time.
    pub fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }

    /// One of `items` (which is not empty).
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }

    /// Some of `items`, in their order.
    pub fn some_of<T: Clone>(&mut self, items: &[T]) -> Vec<T> {
        items.iter().filter(|_| self.coin()).cloned().collect()
    }
}

/// A configuration as YAML text.
#[derive(Debug, Clone)]
pub struct RandomConfig {
    /// The text of `generator.yaml`.
    pub yaml: String,
}

impl RandomConfig {
    /// The configuration; only for valid ones.
    pub fn config(&self) -> generator::Config {
        generator::Config::from_yaml(&self.yaml, Path::new("generator.yaml"))
            .unwrap_or_else(|e| panic!("a valid random config does not parse:\n{e}\n{}", self.yaml))
    }
}

/// Text with quotes, a backslash, a newline and non-ASCII, after `base`.
fn odd(base: &str) -> String {
    format!("{base} \"q\" \\ \n ü ✓")
}

/// A valid configuration of the configs fixture.
pub fn random_valid(seed: u64) -> RandomConfig {
    RandomConfig {
        yaml: to_yaml(&valid_value(&mut Rng::new(seed))),
    }
}

/// What [`random_invalid`] broke.
pub type Broken = &'static str;

/// A configuration of the configs fixture with one value broken, and what.
pub fn random_invalid(seed: u64) -> (RandomConfig, Broken) {
    let mut rng = Rng::new(seed);
    let mut value = valid_value(&mut rng);
    let set = |value: &mut Value, section: &str, key: &str, v: Value| {
        let map = value
            .as_object_mut()
            .expect("a mapping")
            .entry(section)
            .or_insert_with(|| json!({}));
        if !map.is_object() {
            *map = json!({});
        }
        map.as_object_mut()
            .expect("a mapping")
            .insert(key.into(), v);
    };
    let broken: Broken = match rng.below(14) {
        0 => {
            set(
                &mut value,
                "crate",
                "name",
                json!(rng.pick(&["my.client", "1st", "fn", "serde", "", "ü"])),
            );
            "crate.name"
        }
        1 => {
            set(
                &mut value,
                "crate",
                "version",
                json!(rng.pick(&["1", "x.y.z", "", "1.0.0.0"])),
            );
            "crate.version"
        }
        2 => {
            set(
                &mut value,
                "client",
                "base_url",
                json!(rng.pick(&[
                    "ftp://x",
                    "example.com",
                    "https://",
                    "https://a b",
                    "https://a\"b"
                ])),
            );
            "client.base_url"
        }
        3 => {
            set(
                &mut value,
                "client",
                "base_url_env",
                json!(rng.pick(&["A-B", "1A", "", "A\"B", "Ü"])),
            );
            "client.base_url_env"
        }
        4 => {
            set(
                &mut value,
                "client",
                "request_id_header",
                json!(rng.pick(&["a b", "", "a:b", "ü", "a\nb"])),
            );
            "client.request_id_header"
        }
        5 => {
            set(&mut value, "envelope", "result", json!(""));
            "envelope.result"
        }
        6 => {
            set(&mut value, "envelope", "errors", json!("result"));
            set(&mut value, "envelope", "result", json!("result"));
            "envelope.errors"
        }
        7 => {
            value["pagination"] = json!([{"style": "cursor", "cursor_param": "cursor", "next_cursor": rng.pick(&["", "a..b", ".a", "a."])}]);
            "pagination"
        }
        8 => {
            set(
                &mut value,
                "operations",
                rng.pick(&["nope", "getThing", ""]),
                json!({"method": "run"}),
            );
            "operations"
        }
        9 => {
            let id = rng.pick(OPERATIONS);
            set(
                &mut value,
                "operations",
                id,
                json!({rng.pick(&["method", "resource"]): rng.pick(&["a b", "", "1x", "a-b", "__"])}),
            );
            "operations.method"
        }
        10 => {
            value["auth"] = json!({"credentials": [{"name": rng.pick(&["Token", "two words", ""]), "schemes": [rng.pick(&["nope", "Bearer"])]}]});
            "auth.credentials"
        }
        11 => {
            value["auth"] = json!({"schemes": {rng.pick(SCHEMES): {"env": rng.pick(&["A B", "a-b", "", "9"])}}});
            "auth.schemes.env"
        }
        12 => {
            set(
                &mut value,
                "client",
                rng.pick(&["retries", "max_retries", "timeout_secs"]),
                json!(rng.pick(&[json!(-1), json!("many"), json!([1])])),
            );
            "client (unknown key or wrong type)"
        }
        _ => {
            return (
                RandomConfig {
                    yaml: format!(
                        "{}\n{}",
                        to_yaml(&value),
                        rng.pick(&["crate: [", "  : x", "\t- y", "{"])
                    ),
                },
                "YAML syntax",
            );
        }
    };
    (
        RandomConfig {
            yaml: to_yaml(&value),
        },
        broken,
    )
}

fn to_yaml(value: &Value) -> String {
    serde_yaml::to_string(value).expect("JSON values are YAML")
}

fn valid_value(rng: &mut Rng) -> Value {
    let mut root = Map::new();
    let mut krate = Map::new();
    if rng.coin() {
        krate.insert(
            "name".into(),
            json!(rng.pick(&["x", "my_client", "a-b-c", "Client2"])),
        );
    }
    if rng.coin() {
        krate.insert(
            "version".into(),
            json!(rng.pick(&["0.1.0", "1.0.0-alpha.1", "2.3.4+meta.5"])),
        );
    }
    if rng.coin() {
        krate.insert(
            "description".into(),
            json!(rng.pick(&["plain".to_owned(), odd("description")])),
        );
    }
    if rng.coin() {
        krate.insert(
            "license".into(),
            json!(rng.pick(&["MIT".to_owned(), odd("license")])),
        );
    }
    root.insert("crate".into(), Value::Object(krate));
    let mut client = Map::new();
    if rng.coin() {
        client.insert(
            "base_url".into(),
            json!(rng.pick(&["https://api.example.com", "http://localhost:8080/v1/ü'"])),
        );
    }
    if rng.coin() {
        client.insert("base_url_env".into(), json!(rng.pick(&["API_URL", "_X1"])));
    }
    if rng.coin() {
        client.insert(
            "request_id_header".into(),
            json!(rng.pick(&["x-request-id", "CF-Ray", "x~y'z"])),
        );
    }
    client.insert("max_retries".into(), json!(rng.below(4)));
    client.insert("timeout_secs".into(), json!(1 + rng.below(100)));
    root.insert("client".into(), Value::Object(client));
    if rng.coin() {
        let mut envelope = Map::new();
        envelope.insert(
            "result".into(),
            json!(rng.pick(&["result".to_owned(), odd("result")])),
        );
        for field in rng.some_of(&["success", "errors", "messages", "result_info"]) {
            let name = if rng.coin() {
                field.to_owned()
            } else {
                odd(field)
            };
            envelope.insert(field.into(), json!(name));
        }
        root.insert("envelope".into(), Value::Object(envelope));
    }
    let mut schemes = Map::new();
    for scheme in rng.some_of(SCHEMES) {
        let env = if rng.coin() {
            json!({"env": format!("CONFIGS_{}", scheme.to_ascii_uppercase())})
        } else {
            json!({})
        };
        schemes.insert(scheme.into(), env);
    }
    let mut credentials = Vec::new();
    if rng.coin() {
        for name in rng.some_of(&["Token", "KeyPair", "QueryKey", "Other_kind"]) {
            let mut set = rng.some_of(SCHEMES);
            if set.is_empty() {
                set.push(rng.pick(SCHEMES));
            }
            credentials.push(json!({"name": name, "schemes": set}));
        }
    }
    root.insert(
        "auth".into(),
        json!({"schemes": schemes, "credentials": credentials}),
    );
    let rules = [
        json!({"style": "page_number", "page_param": "page", "per_page_param": rng.pick(&[json!("per_page"), Value::Null]), "total_pages": "result_info.total_pages"}),
        json!({"style": "cursor", "cursor_param": rng.pick(&["cursor".to_owned(), odd("cursor")]), "next_cursor": "result_info.cursor"}),
        json!({"style": "page_token", "token_param": "page_token", "next_token": rng.pick(&["result_info.next_page_token", "ü.\"x\""])}),
    ];
    let mut pagination = rng.some_of(&rules);
    if rng.coin() {
        pagination.reverse();
    }
    root.insert("pagination".into(), Value::Array(pagination));
    let mut operations = Map::new();
    for id in rng.some_of(OPERATIONS) {
        let mut o = Map::new();
        if rng.coin() {
            o.insert(
                "resource".into(),
                json!(rng.pick(&["a", "a.b", "things.by_id", "Mixed.Case_2"])),
            );
        }
        if rng.coin() {
            o.insert(
                "method".into(),
                json!(rng.pick(&["run", "fetchOne", "x2", "_private"])),
            );
        }
        operations.insert(id.into(), Value::Object(o));
    }
    root.insert("operations".into(), Value::Object(operations));
    root.insert(
        "features".into(),
        json!({"per_resource": rng.coin(), "default_full": rng.coin()}),
    );
    Value::Object(root)
}
