//! What each setting of the file takes, and the checks that refuse a value in
//! the flag's own words, naming file and line.

use std::path::Path;

use crate::error::Error;

/// What a setting's value must be. A setting that has a flag takes exactly what
/// the flag takes, and is refused with the same words.
#[derive(Debug, Clone, Copy)]
pub(super) enum Value {
    Text,
    /// A duration (`90s`, `5m`); `nonzero` as `--timeout`.
    Duration {
        nonzero: bool,
    },
    /// A whole number in a range (`--concurrency`: 1 to 64).
    Count {
        min: u64,
        max: u64,
    },
    /// A number above zero (requests per second).
    Positive,
    /// A number of zero or more (a price).
    Amount,
    /// `true`, `false`, or text (`[defaults] cache`).
    SwitchOrText,
    /// A size: text such as `"5GiB"`, or a whole number of bytes.
    Size,
}

/// Every `[defaults]` key with the value it takes, and the flag that sets it too.
pub(super) const DEFAULTS: &[(&str, Value, Option<&str>)] = &[
    ("output", Value::Text, Some("-o")),
    (
        "timeout",
        Value::Duration { nonzero: true },
        Some("--timeout"),
    ),
    (
        "concurrency",
        Value::Count {
            min: crate::units::CONCURRENCY_MIN as u64,
            max: crate::units::CONCURRENCY_MAX as u64,
        },
        Some("--concurrency"),
    ),
    ("language", Value::Text, Some("--language")),
    ("cloud_pages", Value::Text, Some("--cloud-pages")),
    ("data_dir", Value::Text, None),
    ("cache", Value::SwitchOrText, Some("--no-cache")),
    ("cache_max_size", Value::Size, None),
    ("poll_interval", Value::Duration { nonzero: true }, None),
    ("poll_max", Value::Duration { nonzero: true }, None),
    ("connect_timeout", Value::Duration { nonzero: true }, None),
    ("read_timeout", Value::Duration { nonzero: true }, None),
    ("stall_timeout", Value::Duration { nonzero: true }, None),
    ("retry_base", Value::Duration { nonzero: false }, None),
    (
        "max_unpacked_mb",
        Value::Count {
            min: 1,
            max: u64::MAX >> 20,
        },
        None,
    ),
    (
        "max_zip_entries",
        Value::Count {
            min: 1,
            max: u32::MAX as u64,
        },
        None,
    ),
];

/// The checked keys every `[providers.NAME]` table may hold.
pub(super) const PROVIDER_VALUES: &[(&str, Value, Option<&str>)] = &[
    ("api_key", Value::Text, None),
    ("base_url", Value::Text, None),
    ("model_version", Value::Text, Some("--model")),
    (
        "max_file_mb",
        Value::Count {
            min: 1,
            max: u64::MAX >> 20,
        },
        None,
    ),
    (
        "max_pages",
        Value::Count {
            min: 1,
            max: u32::MAX as u64,
        },
        None,
    ),
    (
        "max_batch",
        Value::Count {
            min: 1,
            max: MAX_BATCH,
        },
        None,
    ),
    ("rate_limit", Value::Positive, None),
    ("price_per_1000_pages", Value::Amount, None),
];

/// The most documents `max_batch` may put in one provider batch: far above any
/// provider's documented limit, low enough that one call's list stays small.
pub const MAX_BATCH: u64 = 100_000;

/// The keys `[defaults]` may hold.
pub(super) fn defaults_keys() -> Vec<&'static str> {
    DEFAULTS.iter().map(|(k, _, _)| *k).collect()
}

/// Checks the values of `[defaults]` and `[providers.NAME]` against what each key
/// takes (a key with a flag takes what the flag takes), naming file and line in
/// plain words. Runs after the file parsed, so its shape is known to be TOML.
pub(super) fn check_values(text: &str, path: &Path) -> Result<(), Error> {
    use toml::de::{DeTable, DeValue};
    let Ok(doc) = DeTable::parse(text) else {
        return Ok(());
    };
    let doc = doc.get_ref();
    let check_table = |table: &DeTable, known: &[(&str, Value, Option<&str>)], section: &str| {
        for (key, value) in table {
            let name: &str = key.get_ref();
            let Some((_, want, flag)) = known.iter().find(|(k, _, _)| *k == name) else {
                continue;
            };
            if let Err(problem) = check_value(value.get_ref(), *want, *flag) {
                let line = line_col(text, value.span().start).0;
                let fix = match flag {
                    Some(flag) => format!("write {name} as {flag} takes it: {}", example(*want)),
                    None => format!("write {name} as {}", example(*want)),
                };
                return Err(Error::usage(format!(
                    "{}:{line}: {name} in {section} {problem}",
                    path.display()
                ))
                .with_hint(format!("{fix} (see config.example.toml)")));
            }
        }
        Ok(())
    };
    if let Some(DeValue::Table(defaults)) = doc.get("defaults").map(|v| v.get_ref()) {
        check_table(defaults, DEFAULTS, "[defaults]")?;
    }
    if let Some(DeValue::Table(providers)) = doc.get("providers").map(|v| v.get_ref()) {
        for (name, table) in providers {
            if let DeValue::Table(table) = table.get_ref() {
                let section = format!("[providers.{}]", name.get_ref());
                check_table(table, PROVIDER_VALUES, &section)?;
            }
        }
    }
    Ok(())
}

/// What is wrong with one value, as the end of a sentence naming the key.
fn check_value(value: &toml::de::DeValue, want: Value, flag: Option<&str>) -> Result<(), String> {
    use toml::de::DeValue;
    let shown = match value {
        DeValue::String(s) => format!("the text \"{s}\""),
        DeValue::Integer(i) => format!("the number {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("{b}"),
        DeValue::Datetime(d) => format!("the date {d}"),
        DeValue::Array(_) => "a list".to_string(),
        DeValue::Table(_) => "a table".to_string(),
    };
    let like = flag.map(|f| format!(", like {f}")).unwrap_or_default();
    match (want, value) {
        (Value::Text, DeValue::String(_)) => Ok(()),
        (Value::Text, _) => Err(format!("must be text in quotes, not {shown}")),
        (Value::Duration { nonzero }, DeValue::String(s)) => {
            let parsed = if nonzero {
                crate::units::parse_timeout(s)
            } else {
                crate::units::parse_duration(s)
            };
            parsed
                .map(|_| ())
                .map_err(|m| format!("is not a usable duration{like}: {m}"))
        }
        (Value::Duration { .. }, _) => Err(format!(
            "must be a duration in quotes (\"90s\", \"5m\", \"1h\"), not {shown}"
        )),
        (Value::Count { min, max }, DeValue::Integer(i)) => {
            let digits = i.as_str().replace('_', "");
            let digits = digits
                .trim_start_matches("0x")
                .trim_start_matches("0o")
                .trim_start_matches("0b");
            match u64::from_str_radix(digits, i.radix()) {
                Ok(n) if (min..=max).contains(&n) => Ok(()),
                _ => Err(format!(
                    "must be from {min} to {max}{like}, not {}",
                    i.as_str()
                )),
            }
        }
        (Value::Count { min, max }, _) => Err(format!(
            "must be a whole number from {min} to {max}{like}, not {shown}"
        )),
        (Value::Positive, DeValue::Integer(i))
            if !i.as_str().starts_with('-')
                && i.as_str().trim_start_matches(['0', '_', '+']).is_empty() =>
        {
            Err("must be above 0, not 0".to_string())
        }
        (Value::Positive, DeValue::Integer(i)) if i.as_str().starts_with('-') => {
            Err(format!("must be above 0, not {}", i.as_str()))
        }
        (Value::Positive, DeValue::Integer(_)) => Ok(()),
        (Value::Positive, DeValue::Float(f)) => match f.as_str().replace('_', "").parse::<f64>() {
            Ok(x) if x > 0.0 && x.is_finite() => Ok(()),
            _ => Err(format!("must be a number above 0, not {}", f.as_str())),
        },
        (Value::Positive, _) => Err(format!("must be a number above 0, not {shown}")),
        (Value::Amount, DeValue::Integer(i)) if !i.as_str().starts_with('-') => Ok(()),
        (Value::Amount, DeValue::Float(f)) => match f.as_str().replace('_', "").parse::<f64>() {
            Ok(x) if x >= 0.0 && x.is_finite() => Ok(()),
            _ => Err(format!("must be a number of 0 or more, not {}", f.as_str())),
        },
        (Value::Amount, _) => Err(format!("must be a number of 0 or more, not {shown}")),
        (Value::SwitchOrText, DeValue::Boolean(_) | DeValue::String(_)) => Ok(()),
        (Value::SwitchOrText, _) => Err(format!(
            "must be true, false or a folder in quotes, not {shown}"
        )),
        (Value::Size, DeValue::String(s)) => crate::units::parse_size(s)
            .map(|_| ())
            .map_err(|m| format!("is not a usable size: {m}")),
        (Value::Size, DeValue::Integer(i)) if !i.as_str().starts_with('-') => Ok(()),
        (Value::Size, _) => Err(format!(
            "must be a size in quotes (\"5GiB\", \"500MB\"), not {shown}"
        )),
    }
}

/// A correct value of a kind, for hints.
fn example(want: Value) -> String {
    match want {
        Value::Text => "\"text in quotes\"".to_string(),
        Value::Duration { .. } => {
            "a duration in quotes such as \"90s\", \"5m\" or \"1h\"".to_string()
        }
        Value::Count { min, max } if max < 1000 => {
            format!("a whole number from {min} to {max}, without quotes")
        }
        Value::Count { .. } => "a whole number without quotes, e.g. 200".to_string(),
        Value::Positive => "a number above 0, e.g. 2 or 0.5".to_string(),
        Value::Amount => "a number of 0 or more, e.g. 2 or 0.5".to_string(),
        Value::SwitchOrText => "false, true, or a folder in quotes".to_string(),
        Value::Size => "a size in quotes such as \"5GiB\" or \"500MB\"".to_string(),
    }
}

pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::env_of;
    use crate::config::Config;

    fn refusal(text: &str) -> Error {
        Config::from_str(text, Path::new("/etc/c.toml"), env_of(&[])).unwrap_err()
    }

    #[test]
    fn values_are_checked_like_their_flags_with_file_and_line() {
        let err = refusal("[defaults]\nlanguage = \"en\"\nconcurrency = 0\n");
        assert_eq!(
            err.message,
            "/etc/c.toml:3: concurrency in [defaults] must be from 1 to 64, like --concurrency, not 0"
        );
        assert!(err.hint.unwrap().contains("as --concurrency takes it"));
        let err = refusal("[defaults]\nconcurrency = 1000\n");
        assert!(
            err.message
                .contains(":2: concurrency in [defaults] must be from 1 to 64"),
            "{}",
            err.message
        );
        let err = refusal("[defaults]\nconcurrency = \"four\"\n");
        assert_eq!(
            err.message,
            "/etc/c.toml:2: concurrency in [defaults] must be a whole number from 1 to 64, like --concurrency, not the text \"four\""
        );
        assert!(!err.message.contains("invalid type"));
        let err = refusal("\n[defaults]\ntimeout = \"0s\"\n");
        assert!(err.message.starts_with("/etc/c.toml:3: timeout in [defaults] is not a usable duration, like --timeout: a timeout of 0s"), "{}", err.message);
        let err = refusal("[defaults]\ntimeout = 300\n");
        assert!(
            err.message.contains("must be a duration in quotes"),
            "{}",
            err.message
        );
        let err = refusal("[providers.mineru]\nmax_pages = -1\n");
        assert!(
            err.message
                .contains(":2: max_pages in [providers.mineru] must be from 1 to"),
            "{}",
            err.message
        );
        let err = refusal("[providers.mineru]\nrate_limit = 0\n");
        assert!(
            err.message
                .contains("rate_limit in [providers.mineru] must be above 0"),
            "{}",
            err.message
        );
        let err = refusal("[providers.mineru]\napi_key = 5\n");
        assert!(
            err.message
                .contains("must be text in quotes, not the number 5"),
            "{}",
            err.message
        );
        // Good values pass, and the bounds themselves are accepted.
        for ok in [
            "concurrency = 1",
            "concurrency = 64",
            "timeout = \"1s\"",
            "retry_base = \"0ms\"",
        ] {
            Config::from_str(
                &format!("[defaults]\n{ok}\n"),
                Path::new("c.toml"),
                env_of(&[]),
            )
            .unwrap();
        }
        Config::from_str(
            "[providers.mineru]\nrate_limit = 0.5\n",
            Path::new("c.toml"),
            env_of(&[]),
        )
        .unwrap();
    }
}
