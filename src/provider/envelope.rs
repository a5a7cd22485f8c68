//! Lenient reading of the JSON answers providers send: `code` as a number or a
//! string, the message in `msg`, `message`, `error` or `detail` (a string, a list,
//! or a `{en, zh}` object), errors inside HTTP 200, unknown fields ignored.

use serde_json::Value;

/// What one answer says, whatever its dialect.
#[derive(Debug, Clone)]
pub struct Answer {
    pub http_status: u16,
    /// The body as JSON (Null when the body was not JSON).
    pub body: Value,
    /// Raw body text when it was not JSON (first few hundred bytes), for messages.
    pub raw: Option<String>,
}

impl Answer {
    pub fn from_bytes(http_status: u16, bytes: &[u8]) -> Answer {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(body) => Answer {
                http_status,
                body,
                raw: None,
            },
            Err(_) => Answer {
                http_status,
                body: Value::Null,
                raw: Some(String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned()),
            },
        }
    }

    /// The numeric `code`, accepting `0` and `"0"`.
    pub fn code(&self) -> Option<i64> {
        number(self.body.get("code")?)
    }

    /// `success: false` or a non-zero `code` means failure even under HTTP 200.
    pub fn is_ok(&self) -> bool {
        if !(200..300).contains(&self.http_status) || self.body.is_null() {
            return false;
        }
        if self.body.get("success").and_then(Value::as_bool) == Some(false) {
            return false;
        }
        match self.body.get("code") {
            None => true,
            Some(c) => number(c) == Some(0) || number(c) == Some(200),
        }
    }

    /// The `data` object (Null when absent).
    pub fn data(&self) -> &Value {
        self.body.get("data").unwrap_or(&Value::Null)
    }

    /// The error text in whichever field the provider used.
    pub fn message(&self) -> String {
        for key in ["msg", "message", "error", "detail", "err_msg", "errMsg"] {
            if let Some(v) = self.body.get(key) {
                if let Some(text) = text_of(v) {
                    return text;
                }
            }
        }
        if let Some(raw) = &self.raw {
            let raw = raw.trim();
            if !raw.is_empty() {
                return raw.to_string();
            }
        }
        format!("HTTP {}", self.http_status)
    }

    /// A string field, also accepting a number.
    pub fn str_field(value: &Value, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| match value.get(*n)? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(num) => Some(num.to_string()),
            _ => None,
        })
    }
}

/// A number, or a string holding one.
pub fn number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Human text from a message value: a string, `{en, zh}`, `{message}`, or a list of
/// those (FastAPI's `detail: [{loc, msg}]`).
pub fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Object(map) => ["en", "message", "msg", "zh"]
            .iter()
            .find_map(|k| map.get(*k).and_then(text_of))
            .or_else(|| map.get("type").and_then(text_of)),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(text_of).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_as_string_or_number() {
        let a = Answer::from_bytes(200, br#"{"code":"0","data":{"task_id":"t"}}"#);
        assert!(a.is_ok());
        assert_eq!(a.code(), Some(0));
        let a = Answer::from_bytes(200, br#"{"code":-60012,"msg":"task not found"}"#);
        assert!(!a.is_ok());
        assert_eq!(a.code(), Some(-60012));
        assert_eq!(a.message(), "task not found");
    }

    #[test]
    fn messages_in_any_field_and_shape() {
        let a = Answer::from_bytes(
            400,
            br#"{"code":-10002,"msg":{"en":"bad params","zh":"x"}}"#,
        );
        assert_eq!(a.message(), "bad params");
        let a = Answer::from_bytes(
            422,
            br#"{"detail":[{"loc":["body"],"msg":"field required"}]}"#,
        );
        assert_eq!(a.message(), "field required");
        let a = Answer::from_bytes(502, b"<html>Bad gateway</html>");
        assert_eq!(a.message(), "<html>Bad gateway</html>");
        let a = Answer::from_bytes(200, br#"{"success":false,"error":"nope"}"#);
        assert!(!a.is_ok());
        assert_eq!(a.message(), "nope");
    }

    #[test]
    fn unexpected_types_do_not_panic() {
        for body in [&b"[]"[..], b"null", b"{\"code\":[1]}", b"{\"msg\":5}", b""] {
            let a = Answer::from_bytes(200, body);
            let _ = (a.is_ok(), a.message(), a.code(), a.data());
        }
    }
}
