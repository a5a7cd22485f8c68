//! A direct parser for the content streams `lopdf::content::Content::decode`
//! reads, giving the same operations.
//!
//! lopdf's parser is built of nom alternatives: every operand is tried as
//! null, boolean, real, integer, name, string, hex string, array and
//! dictionary in turn, and every operator is first tried as each of those.
//! On text-heavy pages that was about a tenth of the whole conversion. This
//! parser makes the same choice at every byte in one look, for the streams
//! real pages are made of: operators and their operands, comments between
//! operations, strings with their escapes, arrays and dictionaries with
//! references. Anything else — an inline image, a stream lopdf would stop
//! reading part-way (which it does without an error), nesting past a small
//! depth — gives `None`, and the caller decodes with lopdf as before, so the
//! operations are lopdf's in every case.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Object, StringFormat};

/// Nesting of arrays, dictionaries and parentheses in strings handled here;
/// deeper streams go to lopdf, which fails or truncates at its own limits.
const MAX_DEPTH: usize = 16;

/// The operations of `data` as lopdf decodes them, or `None` when lopdf must
/// decide (see the module's documentation).
#[cfg(test)]
pub(crate) fn parse_content(data: &[u8]) -> Option<Content<Vec<Operation>>> {
    parse_content_sized(data, 0)
}

/// [`parse_content`] into room for `operations` operations (the count of
/// operators in `data`, a hint), each operation's operands in a vector of
/// their own size (docpipe mend 24). Grown by doubling, a page of 65,869
/// line segments held 143 MB of operations and their operands at its peak:
/// the operation vector up to twice its length, and each operand vector
/// room for four.
pub(crate) fn parse_content_sized(
    data: &[u8],
    operations: usize,
) -> Option<Content<Vec<Operation>>> {
    let mut ops = Operations::new(data);
    let mut operations = Vec::with_capacity(operations);
    loop {
        match ops.step() {
            Step::Operation(op) => operations.push(op),
            Step::End => return Some(Content { operations }),
            Step::Unread => return None,
        }
    }
}

/// The operations of `data` one at a time, each made when it is asked for,
/// or `None` when lopdf must decide: `data` is read through once first
/// (each operation dropped as soon as it is made) to know that this parser
/// reads all of it. For pages of many operations (docpipe mend 24): held
/// whole, the operations of one page of 65,869 line segments were 69 MB.
pub(crate) fn stream_content(data: &[u8]) -> Option<Operations<'_>> {
    let mut check = Operations::new(data);
    loop {
        match check.step() {
            Step::Operation(_) => {}
            Step::End => return Some(Operations::new(data)),
            Step::Unread => return None,
        }
    }
}

/// The operations of a content stream, parsed one at a time.
pub(crate) struct Operations<'a> {
    p: Parser<'a>,
    /// The operands of the operation being read, moved into a vector of
    /// their own size when it ends.
    scratch: Vec<Object>,
}

enum Step {
    Operation(Operation),
    End,
    /// Something lopdf must decide (see the module's documentation).
    Unread,
}

impl<'a> Operations<'a> {
    fn new(data: &'a [u8]) -> Operations<'a> {
        let mut p = Parser { data, i: 0 };
        p.content_space();
        Operations {
            p,
            scratch: Vec::new(),
        }
    }

    fn step(&mut self) -> Step {
        self.next_operation().unwrap_or(Step::Unread)
    }

    fn next_operation(&mut self) -> Option<Step> {
        let p = &mut self.p;
        // Comments before an operation, each ended by an end of line.
        while p.peek() == Some(b'%') {
            p.comment()?;
            p.content_space();
        }
        if p.i == p.data.len() {
            return Some(Step::End);
        }
        // lopdf reads an inline image at an operation's start.
        if p.data[p.i..].starts_with(b"BI") {
            return None;
        }
        self.scratch.clear();
        while let Some(operand) = p.operand()? {
            self.scratch.push(operand);
            p.content_space();
        }
        let operands: Vec<Object> = self.scratch.drain(..).collect();
        let start = p.i;
        while p.peek().is_some_and(is_operator_byte) {
            p.i += 1;
        }
        if p.i == start {
            return None;
        }
        // Operator bytes are ASCII.
        let operator = String::from_utf8(p.data[start..p.i].to_vec()).ok()?;
        p.content_space();
        Some(Step::Operation(Operation { operator, operands }))
    }
}

impl Iterator for Operations<'_> {
    type Item = Operation;

    /// The next operation; `None` at the end. [`stream_content`] has read
    /// the whole stream, so no step is [`Step::Unread`].
    fn next(&mut self) -> Option<Operation> {
        match self.step() {
            Step::Operation(op) => Some(op),
            Step::End | Step::Unread => None,
        }
    }
}

struct Parser<'a> {
    data: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.i).copied()
    }

    fn rest(&self) -> &[u8] {
        &self.data[self.i..]
    }

    /// lopdf's space between content tokens: space, tab, CR and LF only.
    fn content_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    /// lopdf's space inside arrays and dictionaries: all PDF white space
    /// and comments.
    fn space(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(c) if is_whitespace(c) => self.i += 1,
                Some(b'%') => self.comment()?,
                _ => return Some(()),
            }
        }
    }

    /// `%` to the end of the line, which must be there.
    fn comment(&mut self) -> Option<()> {
        self.i += 1;
        while !matches!(self.peek(), None | Some(b'\r' | b'\n')) {
            self.i += 1;
        }
        match self.peek()? {
            b'\r' if self.data.get(self.i + 1) == Some(&b'\n') => self.i += 2,
            _ => self.i += 1,
        }
        Some(())
    }

    /// An operand at an operation's level: `Some(None)` when the next token
    /// is not one (the operator), `None` when lopdf must decide.
    fn operand(&mut self) -> Option<Option<Object>> {
        let Some(c) = self.peek() else {
            return Some(None);
        };
        if let Some(keyword) = self.keyword() {
            return Some(Some(keyword));
        }
        match c {
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number().map(Some),
            b'/' => Some(Some(Object::Name(self.name()))),
            b'(' => self
                .literal_string(0)
                .map(|s| Some(Object::string_literal(s))),
            b'<' if self.data.get(self.i + 1) == Some(&b'<') => {
                self.dictionary(0).map(|d| Some(Object::Dictionary(d)))
            }
            b'<' => self.hex_string().map(Some),
            b'[' => self.array(0).map(|a| Some(Object::Array(a))),
            c if is_operator_byte(c) => Some(None),
            _ => None,
        }
    }

    /// `null`, `true` and `false`, matched as prefixes, as lopdf does.
    fn keyword(&mut self) -> Option<Object> {
        let (object, len) = match self.rest() {
            r if r.starts_with(b"null") => (Object::Null, 4),
            r if r.starts_with(b"true") => (Object::Boolean(true), 4),
            r if r.starts_with(b"false") => (Object::Boolean(false), 5),
            _ => return None,
        };
        self.i += len;
        Some(object)
    }

    /// A real (`1.`, `.5`, `-2.25`) or an integer, signs optional.
    fn number(&mut self) -> Option<Object> {
        let start = self.i;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.i += 1;
        }
        let whole = self.digits();
        let fraction = if self.peek() == Some(b'.') && (whole > 0 || self.digit_at(self.i + 1)) {
            self.i += 1;
            self.digits();
            true
        } else {
            false
        };
        if whole == 0 && !fraction {
            return None;
        }
        let text = std::str::from_utf8(&self.data[start..self.i]).ok()?;
        if fraction {
            text.parse::<f32>().ok().map(Object::Real)
        } else {
            text.parse::<i64>().ok().map(Object::Integer)
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.digit_at(self.i) {
            self.i += 1;
        }
        self.i - start
    }

    fn digit_at(&self, i: usize) -> bool {
        self.data.get(i).is_some_and(u8::is_ascii_digit)
    }

    /// `/Name` with `#xx` escapes; a `#` not followed by two hex digits
    /// ends it.
    fn name(&mut self) -> Vec<u8> {
        self.i += 1;
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if c == b'#' {
                let (Some(hi), Some(lo)) = (
                    self.data.get(self.i + 1).and_then(|&h| hex_value(h)),
                    self.data.get(self.i + 2).and_then(|&l| hex_value(l)),
                ) else {
                    break;
                };
                out.push(hi << 4 | lo);
                self.i += 3;
            } else if is_regular(c) {
                out.push(c);
                self.i += 1;
            } else {
                break;
            }
        }
        out
    }

    /// `(…)` with nested parentheses kept, escapes resolved and ends of
    /// lines kept as written.
    fn literal_string(&mut self, depth: usize) -> Option<Vec<u8>> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek()? {
                b')' => {
                    self.i += 1;
                    return Some(out);
                }
                b'(' => {
                    let inner = self.literal_string(depth + 1)?;
                    out.push(b'(');
                    out.extend_from_slice(&inner);
                    out.push(b')');
                }
                b'\\' => {
                    self.i += 1;
                    let c = self.peek()?;
                    match c {
                        b'0'..=b'7' => {
                            let mut value: u16 = 0;
                            let mut n = 0;
                            while n < 3 && matches!(self.peek(), Some(b'0'..=b'7')) {
                                value = value * 8 + u16::from(self.data[self.i] - b'0');
                                self.i += 1;
                                n += 1;
                            }
                            // Overflow ignored, as the specification asks.
                            out.push(value as u8);
                        }
                        // A line continuation: nothing.
                        b'\r' => {
                            self.i += 1;
                            if self.peek() == Some(b'\n') {
                                self.i += 1;
                            }
                        }
                        b'\n' => self.i += 1,
                        _ => {
                            out.push(match c {
                                b'n' => b'\n',
                                b'r' => b'\r',
                                b't' => b'\t',
                                b'b' => b'\x08',
                                b'f' => b'\x0C',
                                other => other,
                            });
                            self.i += 1;
                        }
                    }
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// `<…>`: hex digits with white space between them; an odd last digit
    /// is the high half of a byte.
    fn hex_string(&mut self) -> Option<Object> {
        self.i += 1;
        let mut out = Vec::new();
        let mut high = true;
        loop {
            while self.peek().is_some_and(is_whitespace) {
                self.i += 1;
            }
            match self.peek()? {
                b'>' => {
                    self.i += 1;
                    return Some(Object::String(out, StringFormat::Hexadecimal));
                }
                c => {
                    let v = hex_value(c)?;
                    if high {
                        out.push(v << 4);
                    } else if let Some(last) = out.last_mut() {
                        *last |= v;
                    }
                    high = !high;
                    self.i += 1;
                }
            }
        }
    }

    /// `[…]` of direct objects, each followed by [`Parser::space`].
    fn array(&mut self, depth: usize) -> Option<Vec<Object>> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.i += 1;
        self.space()?;
        let mut out = Vec::new();
        loop {
            if self.peek()? == b']' {
                self.i += 1;
                return Some(out);
            }
            out.push(self.direct_object(depth)?);
            self.space()?;
        }
    }

    /// `<<…>>` of names and direct objects; a repeated key keeps its first
    /// place and takes the last value, as lopdf's `Dictionary::set` does.
    fn dictionary(&mut self, depth: usize) -> Option<Dictionary> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.i += 2;
        self.space()?;
        let mut out = Dictionary::new();
        loop {
            match self.peek()? {
                b'>' if self.data.get(self.i + 1) == Some(&b'>') => {
                    self.i += 2;
                    return Some(out);
                }
                b'/' => {
                    let key = self.name();
                    self.space()?;
                    let value = self.direct_object(depth)?;
                    self.space()?;
                    out.set(key, value);
                }
                _ => return None,
            }
        }
    }

    /// An object inside an array or a dictionary: as an operand, and an
    /// indirect reference (`12 0 R`) too.
    fn direct_object(&mut self, depth: usize) -> Option<Object> {
        if let Some(keyword) = self.keyword() {
            return Some(keyword);
        }
        match self.peek()? {
            b'0'..=b'9' => match self.reference()? {
                Some(id) => Some(Object::Reference(id)),
                None => self.number(),
            },
            b'+' | b'-' | b'.' => self.number(),
            b'/' => Some(Object::Name(self.name())),
            b'(' => self.literal_string(0).map(Object::string_literal),
            b'<' if self.data.get(self.i + 1) == Some(&b'<') => {
                self.dictionary(depth + 1).map(Object::Dictionary)
            }
            b'<' => self.hex_string(),
            b'[' => self.array(depth + 1).map(Object::Array),
            _ => None,
        }
    }

    /// `Some(Some(id))` for `N G R` (consumed), `Some(None)` when the
    /// digits here do not start one (nothing consumed), `None` when lopdf
    /// must decide (numbers out of range).
    fn reference(&mut self) -> Option<Option<(u32, u16)>> {
        let start = self.i;
        self.digits();
        let after_id = self.i;
        self.space()?;
        let generation_start = self.i;
        let generation = self.digits();
        let after_generation = self.i;
        self.space()?;
        if generation == 0 || self.peek() != Some(b'R') {
            self.i = start;
            return Some(None);
        }
        let number = |from: usize, to: usize| std::str::from_utf8(&self.data[from..to]).ok();
        let (Ok(id), Ok(generation)) = (
            number(start, after_id)?.parse::<u32>(),
            number(generation_start, after_generation)?.parse::<u16>(),
        ) else {
            return None;
        };
        self.i += 1;
        Some(Some((id, generation)))
    }
}

fn is_operator_byte(c: u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"')
}

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

fn is_regular(c: u8) -> bool {
    !is_whitespace(c)
        && !matches!(
            c,
            b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
        )
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|v| v as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ours is lopdf's wherever ours answers, held whole or streamed (mend
    /// 24), and both answer for the same streams.
    fn same_as_lopdf(data: &[u8]) -> bool {
        let ours = parse_content(data);
        let streamed: Option<Vec<Operation>> = stream_content(data).map(Iterator::collect);
        assert_eq!(
            streamed.as_ref().map(|ops| format!("{ops:?}")),
            ours.as_ref().map(|c| format!("{:?}", c.operations)),
            "{}",
            String::from_utf8_lossy(data)
        );
        if let Some(ours) = &ours {
            let theirs = Content::decode(data).expect("lopdf reads what we read");
            assert_eq!(
                format!("{:?}", ours.operations),
                format!("{:?}", theirs.operations),
                "{}",
                String::from_utf8_lossy(data)
            );
        }
        ours.is_some()
    }

    #[test]
    fn operations_of_ordinary_pages_are_lopdf_s() {
        let samples: &[&[u8]] = &[
            b"q 1 0 0 1 0 0 cm BT /F1 12 Tf 72 720 Td (Hello) Tj ET Q",
            b"  q Q\r\nq Q\n",
            b".5 0 0 .5 0 0 cm +1 -2 3. rg -.25 w",
            b"BT /F1 12 Tf 12 TL (first) ' 1 2 (x) \" T* ET",
            b"[ (a) -120 (b) 3.5 (c) ] TJ [(Wo)80(rld)]TJ",
            b"<0041 00 4> Tj <> Tj < 41\n42 > Tj",
            b"(a\\(b\\)c \\n\\r\\t\\b\\f\\\\ \\101\\7\\0123 \\q) Tj",
            b"(line\\\ncontinued\\\r\nagain (nested (twice)) \r\n raw) Tj",
            b"/Span <</MCID 3 /ActualText (x) /Alt <48> /K [1 2 0 R] /D << /A null >> >> BDC EMC",
            b"/P <</MCID 0 >>BDC EMC /Artifact BMC EMC",
            b"% a comment\nq % more\r\n% and more\rQ",
            b"/Na#6De Do /#20 Do / Do 12Tf true false null d0 1 0 cm",
            b"1 0 0 1 0 0 cm /Im0 Do 0 g 0 0 10 10 re f*",
            b"[1 2] 0 d [] 0 d",
            b"",
            b"   \n",
        ];
        for data in samples {
            assert!(same_as_lopdf(data), "{}", String::from_utf8_lossy(data));
        }
    }

    /// Where lopdf stops part-way, reads an inline image, or nests deep,
    /// lopdf decides.
    #[test]
    fn streams_lopdf_reads_its_own_way_are_left_to_it() {
        let samples: &[&[u8]] = &[
            b"BI /W 1 /H 1 /CS /G /BPC 8 ID \xff EI q Q",
            b"q (unbalanced Tj",
            b"q 1 0 % comment among operands\n 0 1 cm",
            b"q\x00Q",
            b"/Na#6 Do",
            b"99999999999999999999 w",
            b"{ 1 2 add } cvx",
            b"q % comment without an end",
            b"<4G> Tj",
            b"[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]] d",
        ];
        for data in samples {
            assert!(!same_as_lopdf(data), "{}", String::from_utf8_lossy(data));
        }
    }

    /// Streams made at random of content tokens and stray bytes (a fixed
    /// seed, so a failure repeats): never a panic, and lopdf's operations
    /// wherever ours answers.
    #[test]
    fn random_streams_are_lopdf_s_or_left_to_it() {
        // Content tokens and stray bytes, parted by `|`.
        let pieces: Vec<&[u8]> = b"q|Q|BT|ET|Tj|TJ|'|\"|cm|Tf|Td|Do|BDC|EMC|0|12|-3.5|.5|+7|1.|\
            99999999999|/F1|/Na#20me|/|(|)|(a\\(b)|(\\101\\n)|<|>|<41 42>|<<|>>|[|]|{|}|%c|\
            1 0 R|true|null|BI|ID|EI|\\|#|\x00|\xff"
            .split(|&c| c == b'|')
            .collect();
        let spaces: [&[u8]; 7] = [b" ", b"", b"\n", b"\r\n", b"\r", b"\t", b"\x0c"];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut answered = 0;
        for _ in 0..50_000 {
            let mut data = Vec::new();
            for _ in 0..next(12) {
                data.extend_from_slice(pieces[next(pieces.len())]);
                data.extend_from_slice(spaces[next(spaces.len())]);
            }
            answered += usize::from(same_as_lopdf(&data));
        }
        // Enough of them are read here for the comparison to mean something.
        assert!(answered > 5_000, "{answered}");
    }

    /// Every content stream of every PDF under the repository's test
    /// fixtures and this crate's tests, where ours answers.
    #[test]
    fn fixture_pages_decode_as_lopdf_decodes_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut pdfs = Vec::new();
        let mut dirs = vec![root.join("tests"), root.join("../../tests/fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "pdf") {
                    pdfs.push(path);
                }
            }
        }
        let (mut ours, mut streams) = (0, 0);
        for pdf in pdfs {
            let Ok(doc) = lopdf::Document::load(&pdf) else {
                continue;
            };
            for (_, page) in doc.get_pages() {
                let data = doc.get_page_content(page);
                streams += 1;
                ours += usize::from(same_as_lopdf(&data));
            }
        }
        assert!(streams > 0);
        assert!(ours * 10 >= streams * 9, "{ours} of {streams}");
    }
}
