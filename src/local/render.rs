//! anydoc's document model → markdown, with embedded images written as links to
//! files that go beside the markdown (`img-<n>.<ext>`), which anydoc's own
//! renderer leaves out.

use anydoc::model::{
    Block, Cell, CellSlot, Document, ImageSource, Inline, LinkTarget, List, Style, Table,
};

use crate::pages::PageImage;

/// The markdown of `doc` split into sections at each level-`split_at` heading
/// (a slide, a sheet) or kept whole (`None`), and the images it links.
pub fn render(doc: &Document, split_at: Option<u8>) -> (Vec<String>, Vec<PageImage>) {
    let mut r = Renderer {
        doc,
        images: Vec::new(),
    };
    let mut sections: Vec<String> = vec![String::new()];
    for block in &doc.blocks {
        let starts_section =
            matches!(block, Block::Heading { level, .. } if Some(*level) == split_at);
        if starts_section && !sections.last().is_some_and(|s| s.trim().is_empty()) {
            sections.push(String::new());
        }
        let text = r.block(block, "");
        let current = sections.last_mut().expect("one section at least");
        push_block(current, &text);
    }
    if !doc.notes.is_empty() {
        let mut notes = String::new();
        for note in &doc.notes {
            let body: Vec<String> = note.blocks.iter().map(|b| r.block(b, "")).collect();
            push_block(&mut notes, &format!("[^{}]: {}", note.id, body.join(" ")));
        }
        let current = sections.last_mut().expect("one section at least");
        push_block(current, &notes);
    }
    sections.retain(|s| !s.trim().is_empty());
    (sections, r.images)
}

/// A document kept in one section (DOCX, ODT, RTF, EPUB), and its images.
pub fn whole(doc: &Document) -> super::Extracted {
    let (sections, images) = render(doc, None);
    super::Extracted {
        pages: vec![sections.join("\n\n")],
        images,
        ..super::Extracted::default()
    }
}

fn push_block(out: &mut String, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(text.trim_end());
}

struct Renderer<'a> {
    doc: &'a Document,
    images: Vec<PageImage>,
}

impl Renderer<'_> {
    fn block(&mut self, block: &Block, indent: &str) -> String {
        match block {
            Block::Heading { level, content, .. } => {
                let text = self.inlines(content).replace('\n', " ");
                if text.trim().is_empty() {
                    String::new()
                } else {
                    format!(
                        "{} {}",
                        "#".repeat((*level).clamp(1, 6) as usize),
                        text.trim()
                    )
                }
            }
            Block::Paragraph(inlines) => self.inlines(inlines).trim().to_string(),
            Block::List(list) => self.list(list, indent),
            Block::Table(table) => self.table(table),
            Block::BlockQuote(blocks) => self
                .blocks(blocks)
                .join("\n\n")
                .lines()
                .map(|l| format!("> {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::CodeBlock { lang, text } => {
                format!(
                    "```{}\n{}\n```",
                    lang.as_deref().unwrap_or(""),
                    text.trim_end()
                )
            }
            Block::Rule => "---".to_string(),
            Block::Math(tex) => format!("$$\n{tex}\n$$"),
        }
    }

    fn list(&mut self, list: &List, indent: &str) -> String {
        let mut lines = Vec::new();
        for (i, item) in list.items.iter().enumerate() {
            let marker = item
                .marker_label
                .clone()
                .filter(|m| !m.trim().is_empty() && list.ordered())
                .unwrap_or_else(|| list.marker.label(list.start + i as u64));
            let inner = format!("{indent}{}", " ".repeat(marker.chars().count() + 1));
            let mut first = true;
            for block in &item.blocks {
                let text = self.block(block, &inner);
                if text.is_empty() {
                    continue;
                }
                if first && !matches!(block, Block::List(_)) {
                    let mut it = text.lines();
                    lines.push(format!("{indent}{marker} {}", it.next().unwrap_or("")));
                    lines.extend(it.map(|l| format!("{inner}{l}")));
                    first = false;
                } else if matches!(block, Block::List(_)) {
                    if first {
                        lines.push(format!("{indent}{marker}"));
                        first = false;
                    }
                    lines.push(text);
                } else {
                    lines.extend(text.lines().map(|l| format!("{inner}{l}")));
                }
            }
            if first {
                lines.push(format!("{indent}{marker}"));
            }
        }
        lines.join("\n")
    }

    /// A table on its grid: a merged cell's text in each position it covers
    /// (a pipe table has no spans), as the HTML reader lays spans out —
    /// except a cell as wide as the table (a title or a section's label),
    /// written once: over the table when it is the first row, else in its
    /// first column. A table of one cell is a box around its content: the
    /// content is written as blocks.
    fn table(&mut self, table: &Table) -> String {
        let width = table.grid.iter().map(Vec::len).max().unwrap_or(0);
        if width == 0 {
            return String::new();
        }
        if let [row] = table.grid.as_slice() {
            if let [CellSlot::Origin(cell)] = row.as_slice() {
                return self.blocks(&cell.blocks).join("\n\n");
            }
        }
        let full_width = |r: usize, c: usize| {
            matches!(table.grid.get(r).and_then(|row| row.get(c)),
                Some(CellSlot::Origin(cell)) if width > 1 && cell.col_span as usize >= width)
        };
        let mut rows: Vec<Vec<String>> = table
            .grid
            .iter()
            .map(|row| {
                let mut cells: Vec<String> = row
                    .iter()
                    .map(|slot| match slot {
                        CellSlot::Origin(cell) => self.cell(cell),
                        CellSlot::Covered { .. } => String::new(),
                    })
                    .collect();
                cells.resize(width, String::new());
                cells
            })
            .collect();
        for (r, row) in table.grid.iter().enumerate() {
            for (c, slot) in row.iter().enumerate() {
                if let CellSlot::Covered {
                    origin_row,
                    origin_col,
                } = *slot
                {
                    if full_width(origin_row, origin_col) {
                        continue;
                    }
                    let origin = rows
                        .get(origin_row)
                        .and_then(|o| o.get(origin_col))
                        .cloned()
                        .unwrap_or_default();
                    rows[r][c] = origin;
                }
            }
        }
        if rows.len() > 1 && full_width(0, 0) {
            let title = rows.remove(0).swap_remove(0);
            let title = title.replace("<br>", " ");
            // A title over several rows leaves them empty below it.
            while rows.len() > 1 && rows[0].iter().all(String::is_empty) {
                rows.remove(0);
            }
            return format!("{}\n\n{}", title.trim(), table_markdown(&rows));
        }
        table_markdown(&rows)
    }

    /// Each block's markdown, the empty ones left out.
    fn blocks(&mut self, blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| self.block(b, ""))
            .filter(|t| !t.is_empty())
            .collect()
    }

    fn cell(&mut self, cell: &Cell) -> String {
        self.blocks(&cell.blocks).join("<br>").replace('\n', "<br>")
    }

    fn inlines(&mut self, inlines: &[Inline]) -> String {
        let mut out = String::new();
        for inline in inlines {
            match inline {
                Inline::Text { text, style } => out.push_str(&styled(text, *style)),
                Inline::Link { content, target } => {
                    let text = self.inlines(content);
                    match target {
                        LinkTarget::External(url) | LinkTarget::Relative(url)
                            if !url.is_empty() =>
                        {
                            out.push_str(&format!("[{}]({})", text.trim(), url.replace(' ', "%20")))
                        }
                        _ => out.push_str(&text),
                    }
                }
                Inline::Image { alt, source } => out.push_str(&self.image(alt, source)),
                Inline::Anchor(_) => {}
                Inline::NoteRef(id) => out.push_str(&format!("[^{id}]")),
                Inline::LineBreak => out.push('\n'),
                Inline::Math(tex) => out.push_str(&format!("${tex}$")),
                Inline::Checkbox(checked) => out.push_str(anydoc::model::checkbox_text(*checked)),
            }
        }
        out
    }

    fn image(&mut self, alt: &str, source: &ImageSource) -> String {
        let alt = alt.trim().replace(['[', ']', '\n'], " ");
        match source {
            // Remote images are named, never fetched.
            ImageSource::External(url) => format!("![{alt}]({})", url.replace(' ', "%20")),
            ImageSource::Asset(id) => {
                let Some(asset) = self.doc.assets.iter().find(|a| a.id == *id) else {
                    return alt;
                };
                let name = format!(
                    "img-{}.{}",
                    id.0,
                    extension(&asset.media_type, &asset.origin_part)
                );
                if !self.images.iter().any(|i| i.name == name) {
                    self.images.push(PageImage {
                        name: name.clone(),
                        bytes: asset.bytes.clone(),
                    });
                }
                format!("![{alt}]({name})")
            }
            ImageSource::Unavailable => alt,
        }
    }
}

/// A file extension for an embedded image: from its media type, else from its
/// part name, else `bin`.
fn extension(media_type: &str, part: &str) -> String {
    let from_type = match media_type {
        "image/png" => Some("png"),
        "image/jpeg" => Some("jpeg"),
        "image/gif" => Some("gif"),
        "image/bmp" => Some("bmp"),
        "image/tiff" => Some("tiff"),
        "image/svg+xml" => Some("svg"),
        "image/webp" => Some("webp"),
        "image/x-emf" | "image/emf" => Some("emf"),
        "image/x-wmf" | "image/wmf" => Some("wmf"),
        _ => None,
    };
    if let Some(ext) = from_type {
        return ext.to_string();
    }
    part.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "bin".to_string())
}

fn styled(text: &str, style: Style) -> String {
    if text.trim().is_empty() {
        return text.to_string();
    }
    // Markers go inside the surrounding spaces, or markdown does not see them.
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    let mut core = text.trim().to_string();
    if style.code {
        core = format!("`{core}`");
    } else {
        core = escape(&core);
    }
    if style.strike {
        core = format!("~~{core}~~");
    }
    if style.italic {
        core = format!("*{core}*");
    }
    if style.bold {
        core = format!("**{core}**");
    }
    format!("{lead}{core}{trail}")
}

/// Escapes what would otherwise turn plain text into markup inside a line.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '_' | '`' | '|' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A markdown table: the first row is the header; `|` in cells escaped.
/// A markdown table written as its rows come (a CSV file, a sheet), never held
/// whole: the first row is the header and sets the width; a later row is
/// padded to it, and its cells past it are kept, joined into the last.
#[derive(Default)]
pub struct RowWriter {
    width: usize,
    rows: u64,
}

impl RowWriter {
    pub fn write(
        &mut self,
        out: &mut dyn std::io::Write,
        mut cells: Vec<String>,
    ) -> std::io::Result<()> {
        if self.rows == 0 {
            self.width = cells.len().max(1);
            cells.resize(self.width, String::new());
            out.write_all(table_markdown(&[cells]).as_bytes())?;
        } else {
            cells.resize(self.width.max(cells.len()), String::new());
            if cells.len() > self.width {
                let rest = cells.split_off(self.width - 1).join(" ");
                cells.push(rest);
            }
            let line = table_markdown(&[cells]);
            out.write_all(b"\n")?;
            out.write_all(line.lines().next().unwrap_or("").as_bytes())?;
        }
        self.rows += 1;
        Ok(())
    }
}

pub fn table_markdown(rows: &[Vec<String>]) -> String {
    let Some(first) = rows.first() else {
        return String::new();
    };
    let width = first.len().max(1);
    let line = |cells: &[String]| {
        let mut s = String::from("|");
        for i in 0..width {
            let cell = cells.get(i).map_or("", String::as_str);
            s.push(' ');
            s.push_str(&cell.replace('|', "\\|").replace('\n', " "));
            s.push_str(" |");
        }
        s
    };
    let mut out = line(first);
    out.push('\n');
    out.push('|');
    out.push_str(&" --- |".repeat(width));
    for row in &rows[1..] {
        out.push('\n');
        out.push_str(&line(row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_wrap_the_words_not_the_spaces() {
        let bold = Style {
            bold: true,
            ..Style::PLAIN
        };
        assert_eq!(styled(" word ", bold), " **word** ");
        assert_eq!(styled("a*b", Style::PLAIN), "a\\*b");
    }

    fn text_cell(text: &str, across: u32, down: u32) -> Cell {
        let inline = Inline::Text {
            text: text.to_string(),
            style: Style::PLAIN,
        };
        Cell::spanning(vec![Block::Paragraph(vec![inline])], across, down)
    }

    fn rendered(table: Table) -> String {
        let doc = Document {
            blocks: vec![Block::Table(table)],
            ..Document::default()
        };
        render(&doc, None).0.concat()
    }

    #[test]
    fn a_merged_cell_is_in_each_position_it_covers() {
        let o =
            |text: &str, across: u32, down: u32| CellSlot::Origin(text_cell(text, across, down));
        let covered = |origin_row: usize, origin_col: usize| CellSlot::Covered {
            origin_row,
            origin_col,
        };
        let table = Table {
            grid: vec![
                vec![o("H1", 1, 1), o("H2", 2, 1), covered(0, 1)],
                vec![o("R12", 1, 2), o("a", 1, 1), o("b", 1, 1)],
                vec![covered(1, 0), o("c", 2, 1), covered(2, 1)],
            ],
            header_rows: 1,
            kind: anydoc::model::TableKind::Data,
        };
        assert_eq!(
            rendered(table),
            "| H1 | H2 | H2 |\n| --- | --- | --- |\n| R12 | a | b |\n| R12 | c | c |"
        );
    }

    #[test]
    fn a_cell_as_wide_as_the_table_is_written_once() {
        let o = |text: &str, across: u32| CellSlot::Origin(text_cell(text, across, 1));
        let covered = |origin_row: usize| CellSlot::Covered {
            origin_row,
            origin_col: 0,
        };
        let table = Table {
            grid: vec![
                vec![o("Reading list", 2), covered(0)],
                vec![o("Title", 1), o("Author", 1)],
                vec![o("Fiction", 2), covered(2)],
                vec![o("Dune", 1), o("Herbert", 1)],
            ],
            header_rows: 0,
            kind: anydoc::model::TableKind::Data,
        };
        assert_eq!(
            rendered(table),
            "Reading list\n\n| Title | Author |\n| --- | --- |\n| Fiction |  |\n| Dune | Herbert |"
        );
    }

    #[test]
    fn a_table_of_one_cell_is_its_content() {
        let table = Table::from_rows(
            vec![vec![text_cell("Boxed words.", 1, 1)]],
            0,
            anydoc::model::TableKind::Data,
        );
        assert_eq!(rendered(table), "Boxed words.");
    }

    #[test]
    fn tables_escape_pipes_and_pad_rows() {
        let rows = vec![
            vec!["a".to_string(), "b|c".to_string()],
            vec!["1".to_string()],
        ];
        assert_eq!(
            table_markdown(&rows),
            "| a | b\\|c |\n| --- | --- |\n| 1 |  |"
        );
    }

    #[test]
    fn image_extensions_come_from_type_then_part() {
        assert_eq!(extension("image/png", "word/media/x.jpg"), "png");
        assert_eq!(extension("", "word/media/image1.JPG"), "jpg");
        assert_eq!(extension("", "word/media/../../etc"), "bin");
    }
}
