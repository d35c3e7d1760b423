//! Random configurations of the `configs` fixture (`configs/mod.rs`):
//! valid ones generate, invalid ones are refused with a located message,
//! and none panics. Two valid ones are compiled by `tests/fixtures.rs`.

use proptest::prelude::*;

mod configs;

use configs::{random_invalid, random_valid, spec};

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn valid_configs_generate(seed in any::<u64>()) {
        let config = random_valid(seed);
        if let Err(e) = generator::generate(&spec(), &config.config()) {
            panic!("seed {seed}: a valid config is refused:\n{e}\n{}", config.yaml);
        }
    }

    #[test]
    fn invalid_configs_are_refused_where_they_are_wrong(seed in any::<u64>()) {
        let (config, broken) = random_invalid(seed);
        let refused = generator::Config::from_yaml(&config.yaml, std::path::Path::new("generator.yaml"))
            .and_then(|c| generator::generate(&spec(), &c).map(|_| ()));
        let Err(e) = refused else {
            panic!("seed {seed}: {broken} broken, yet accepted:\n{}", config.yaml);
        };
        let message = e.to_string();
        // The first line; a value quoted in a message may hold a newline.
        let located = message.lines().take(1).all(|line| {
            let Some(rest) = line.strip_prefix("generator.yaml:") else { return false };
            let mut parts = rest.splitn(3, ':');
            parts.next().is_some_and(|l| l.parse::<usize>().is_ok())
                && parts.next().is_some_and(|c| c.parse::<usize>().is_ok())
        });
        assert!(located, "seed {seed}: {broken}: not located:\n{message}\n{}", config.yaml);
        assert!(message.len() < 4000, "seed {seed}: {} bytes", message.len());
    }
}
