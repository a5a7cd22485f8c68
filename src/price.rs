//! What pages cost at each provider, for `estimate` and `--dry-run`: the
//! published per-page prices known at build time (with their source and date),
//! overridden by `[providers.NAME] price_per_1000_pages` in the config file.
//! Prices change and plans differ: the config value is the one to trust.

use crate::config::Config;

#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    /// Cost of 1,000 pages.
    pub per_1000_pages: f64,
    pub currency: &'static str,
    /// Where the figure comes from.
    pub source: String,
    /// The share of the price that pages sent in the provider's batch jobs
    /// cost (Mistral: half); None when batches cost the same.
    pub batch_share: Option<f64>,
}

/// Providers whose batch jobs cost a share of the per-page price, whichever
/// price is in force: Mistral's batch jobs are 50 % of its per-page price.
const BATCH_SHARE: &[(&str, f64)] = &[("mistral", 0.5)];

fn batch_share(provider: &str) -> Option<f64> {
    BATCH_SHARE
        .iter()
        .find(|(name, _)| *name == provider)
        .map(|&(_, share)| share)
}

/// The defaults compiled in: (provider, price per 1,000 pages, currency, source).
const PUBLISHED: &[(&str, f64, &str, &str)] = &[
    (
        "local",
        0.0,
        "USD",
        "runs on this machine",
    ),
    (
        "mineru",
        0.0,
        "USD",
        "mineru.net API: free within a daily page quota (2,000 priority pages a day, as documented in 2026-04)",
    ),
    (
        "mineru-flash",
        0.0,
        "USD",
        "MinerU's no-key flash API: free (10 MB / 20 pages a document)",
    ),
    (
        "mistral",
        4.0,
        "USD",
        "Mistral OCR 4 list price as published 2026-06-23 ($4 per 1,000 pages; $2 through batch jobs)",
    ),
];

/// The price of `provider`: the config's, else the published one, else None
/// (parse4ai, mistralocr.app and gpt.ge sell credits whose per-page price
/// depends on the plan).
pub fn of(config: &Config, provider: &str) -> Option<Price> {
    if let Some(p) = config.table(provider).price_per_1000_pages {
        return Some(Price {
            per_1000_pages: p,
            currency: "",
            source: match &config.path {
                Some(path) => format!("price_per_1000_pages in {}", path.display()),
                None => "price_per_1000_pages in the config".to_string(),
            },
            batch_share: batch_share(provider),
        });
    }
    PUBLISHED
        .iter()
        .find(|(name, ..)| *name == provider)
        .map(|&(_, per, currency, source)| Price {
            per_1000_pages: per,
            currency,
            source: source.to_string(),
            batch_share: batch_share(provider),
        })
}

impl Price {
    /// The cost of `pages` pages, as text: `0.05 USD`.
    pub fn cost(&self, pages: u64) -> String {
        self.cost_split(pages, 0)
    }

    pub fn amount(&self, pages: u64) -> f64 {
        self.amount_split(pages, 0)
    }

    /// [`Price::cost`] of `pages` pages of which `batched` go in batch jobs.
    pub fn cost_split(&self, pages: u64, batched: u64) -> String {
        let amount = format!("{:.2}", self.amount_split(pages, batched));
        if self.currency.is_empty() {
            amount
        } else {
            format!("{amount} {}", self.currency)
        }
    }

    pub fn amount_split(&self, pages: u64, batched: u64) -> f64 {
        let batched = batched.min(pages);
        let share = self.batch_share.unwrap_or(1.0);
        self.per_1000_pages * ((pages - batched) as f64 + batched as f64 * share) / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_config_price_wins_and_unknown_prices_stay_unknown() {
        let config = Config::from_str(
            "[providers.mistral]\nprice_per_1000_pages = 1.5\n",
            Path::new("c.toml"),
            Box::new(|_| None),
        )
        .unwrap();
        let p = of(&config, "mistral").unwrap();
        assert_eq!(p.per_1000_pages, 1.5);
        assert!(p.source.contains("c.toml"));
        assert_eq!(p.cost(2000), "3.00");
        // Pages in batch jobs at half the price.
        assert_eq!(p.cost_split(2000, 1000), "2.25");
        assert_eq!(
            of(&config, "mineru").unwrap().cost_split(500, 500),
            "0.00 USD"
        );
        assert_eq!(of(&config, "mineru").unwrap().cost(500), "0.00 USD");
        assert_eq!(of(&config, "gptge"), None);
        let bad = Config::from_str(
            "[providers.mistral]\nprice_per_1000_pages = -1\n",
            Path::new("c.toml"),
            Box::new(|_| None),
        );
        assert!(bad.is_err());
    }
}
