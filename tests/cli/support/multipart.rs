//! Reading `multipart/form-data` bodies in the fakes, strictly enough to catch a
//! malformed form (no boundary, a part without a name, a file without a filename).

use super::http::Recorded;

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl Field {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// The form's fields in order, or why it is not a valid form.
pub fn parse(rq: &Recorded) -> Result<Vec<Field>, String> {
    let ct = rq.header("content-type").ok_or("no Content-Type")?;
    if !ct.starts_with("multipart/form-data") {
        return Err(format!("Content-Type is {ct}, not multipart/form-data"));
    }
    let boundary = ct
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .ok_or("no boundary in Content-Type")?
        .trim_matches('"');
    let delim = format!("--{boundary}").into_bytes();
    let body = &rq.body;
    let mut fields = Vec::new();
    let mut pos = find(body, &delim, 0).ok_or("no opening boundary")?;
    loop {
        pos += delim.len();
        if body[pos..].starts_with(b"--") {
            return Ok(fields);
        }
        if !body[pos..].starts_with(b"\r\n") {
            return Err("boundary not followed by CRLF".into());
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos).ok_or("part without headers end")?;
        let head = String::from_utf8_lossy(&body[pos..head_end]).into_owned();
        let data_start = head_end + 4;
        let mut next_delim = b"\r\n".to_vec();
        next_delim.extend_from_slice(&delim);
        let data_end =
            find(body, &next_delim, data_start).ok_or("part without closing boundary")?;
        let mut field = Field {
            name: String::new(),
            filename: None,
            content_type: None,
            data: body[data_start..data_end].to_vec(),
        };
        for line in head.split("\r\n") {
            let (k, v) = line.split_once(':').ok_or("bad part header")?;
            match k.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for p in v.split(';').map(str::trim) {
                        if let Some(n) = p.strip_prefix("name=") {
                            field.name = n.trim_matches('"').to_string();
                        } else if let Some(f) = p.strip_prefix("filename=") {
                            field.filename = Some(f.trim_matches('"').to_string());
                        }
                    }
                }
                "content-type" => field.content_type = Some(v.trim().to_string()),
                _ => {}
            }
        }
        if field.name.is_empty() {
            return Err("a part without a name".into());
        }
        fields.push(field);
        pos = data_end + 2;
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}
