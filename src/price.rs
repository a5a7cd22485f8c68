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

/// The price of `provider`: the config's, else the published one, else None
/// (parse4ai, mistralocr.app and gpt.ge sell credits whose per-page price
/// depends on the plan).
pub fn of(config: &Config, provider: &str) -> Option<Price> {
    let info = crate::provider::find(provider).ok().map(|e| e.info);
    let batch_share = info.and_then(|i| i.batch_share);
    if let Some(p) = config.table(provider).price_per_1000_pages {
        return Some(Price {
            per_1000_pages: p,
            currency: "",
            source: match &config.path {
                Some(path) => format!("price_per_1000_pages in {}", path.display()),
                None => "price_per_1000_pages in the config".to_string(),
            },
            batch_share,
        });
    }
    info.and_then(|i| i.price).map(|p| Price {
        per_1000_pages: p.per_1000_pages,
        currency: p.currency,
        source: p.source.to_string(),
        batch_share,
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
        assert_eq!(
            of(&config, "parse4ai"),
            None,
            "sells credits: no per-page price"
        );
        let bad = Config::from_str(
            "[providers.mistral]\nprice_per_1000_pages = -1\n",
            Path::new("c.toml"),
            Box::new(|_| None),
        );
        assert!(bad.is_err());
    }
}
