//! HTML tables → markdown pipe tables, laid out on their grid.
//!
//! `htmd` writes a table only when it has header cells, and puts each cell in
//! the next column of its row whatever its `colspan` or `rowspan`: a value
//! under a spanning cell lands in the wrong column. Here each cell takes the
//! grid positions it covers, its text repeated in each (a pipe table has no
//! spans), and a table without header cells takes its first row as the
//! header (markdown needs one), as pandoc and docling do.
//!
//! A table is laid out as text instead when it lays out a page or an e-mail:
//! it holds another table and has one row or one column, or a cell holding a
//! heading, paragraphs or a long text; the tables inside it are read each on
//! its own. So is a table without header cells of fewer than two rows or
//! columns (a box around a paragraph). A table inside a table's cell is
//! that cell's text, its cells' words in order.

use std::rc::Rc;

use htmd::element_handler::{HandlerResult, Handlers};
use htmd::{Element, Node};
use markup5ever_rcdom::NodeData;

/// The most grid cells a table is laid out on; a larger one (hostile spans)
/// is read as text.
const MAX_CELLS: usize = 200_000;
/// The widest `colspan` HTML allows.
const MAX_COLSPAN: usize = 1000;

pub fn handle(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let node = element.node;
    if inside_a_data_table(node) || lays_out_a_page(node) {
        return as_text(handlers, node);
    }
    let (caption, rows, headed) = rows(node);
    let Some(grid) = grid(handlers, &rows) else {
        return as_text(handlers, node);
    };
    let columns = grid.iter().map(Vec::len).max().unwrap_or(0);
    if grid.is_empty() || columns == 0 || (!headed && (grid.len() < 2 || columns < 2)) {
        return as_text(handlers, node);
    }
    // A cell as wide as the table (a title, a section's label) is written
    // once: over the table when it is the first row, else in its first column.
    let mut lines: Vec<Vec<String>> = grid
        .iter()
        .map(|row| {
            row.iter()
                .map(|slot| match slot {
                    Some(s) if s.origin || s.across < columns || columns < 2 => s.text.clone(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    let mut md = String::from("\n\n");
    let mut title = |text: &str| {
        if !text.is_empty() {
            md.push_str(text);
            md.push_str("\n\n");
        }
    };
    if let Some(caption) = caption.and_then(|c| handlers.handle(&c)) {
        title(&one_line(&caption.content));
    }
    let spans_all = |row: &[Option<Slot>]| matches!(row.first(), Some(Some(s)) if s.origin && s.across >= columns && columns > 1);
    if lines.len() > 1 && spans_all(&grid[0]) {
        title(&lines.remove(0).swap_remove(0));
    }
    for row in &mut lines {
        row.resize(columns, String::new());
    }
    md.push_str(&super::render::table_markdown(&lines));
    md.push_str("\n\n");
    Some(md.into())
}

/// The table's words as blocks of text, each cell on its own.
fn as_text(handlers: &dyn Handlers, node: &Rc<Node>) -> Option<HandlerResult> {
    let content = handlers.walk_children(node).content;
    let content = content.trim_matches('\n');
    if content.is_empty() {
        return None;
    }
    Some(format!("\n\n{content}\n\n").into())
}

fn tag(node: &Node) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.as_ref()),
        _ => None,
    }
}

fn children(node: &Node) -> Vec<Rc<Node>> {
    node.children.borrow().clone()
}

fn attr(node: &Node, key: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

/// The most characters of a cell of a table holding others that is read as
/// a table: more is a page's column of text.
const LONG_CELL: usize = 300;

/// Whether the table lays out a page or an e-mail rather than holding data:
/// it holds another table, and it has one row or one column, or a cell with
/// a heading, two paragraphs or more, or a long text.
fn lays_out_a_page(table: &Node) -> bool {
    if !holds_a_table(table) {
        return false;
    }
    let (_, rows, _) = rows(table);
    let widest = rows.iter().map(|r| cells(r).len()).max().unwrap_or(0);
    let all: Vec<Rc<Node>> = rows.iter().flat_map(|r| cells(r)).collect();
    rows.len() < 2
        || widest < 2
        || all.iter().any(|c| {
            count(c, &|t| matches!(t, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")) > 0
                || count(c, &|t| t == "p") > 1
                || text_len(c) > LONG_CELL
        })
}

/// Whether `node` sits in a cell of a table read as a table.
fn inside_a_data_table(node: &Node) -> bool {
    let mut up = parent(node);
    while let Some(p) = up {
        if tag(&p) == Some("table") && !lays_out_a_page(&p) {
            return true;
        }
        up = parent(&p);
    }
    false
}

fn parent(node: &Node) -> Option<Rc<Node>> {
    let weak = node.parent.take();
    let up = weak.as_ref().and_then(|w| w.upgrade());
    node.parent.set(weak);
    up
}

/// The elements under `node`, outside tables inside it, whose tag `is` holds.
fn count(node: &Node, is: &dyn Fn(&str) -> bool) -> usize {
    children(node)
        .iter()
        .map(|c| match tag(c) {
            Some("table") => 0,
            Some(t) => usize::from(is(t)) + count(c, is),
            None => 0,
        })
        .sum()
}

/// The characters of text under `node`, outside tables inside it.
fn text_len(node: &Node) -> usize {
    children(node)
        .iter()
        .map(|c| match &c.data {
            NodeData::Text { contents } => contents.borrow().trim().chars().count(),
            NodeData::Element { .. } if tag(c) != Some("table") => text_len(c),
            _ => 0,
        })
        .sum()
}

/// Whether a table lies anywhere inside `node`.
fn holds_a_table(node: &Node) -> bool {
    children(node)
        .iter()
        .any(|c| tag(c) == Some("table") || holds_a_table(c))
}

/// The table's caption, its rows (in order, from the table itself and its
/// head, bodies and foot) and whether it has header cells: a head, or a
/// first row of `th` only.
fn rows(table: &Node) -> (Option<Rc<Node>>, Vec<Rc<Node>>, bool) {
    let mut caption = None;
    let mut rows = Vec::new();
    let mut head = false;
    for child in children(table) {
        match tag(&child) {
            Some("caption") if caption.is_none() => caption = Some(child.clone()),
            Some("tr") => rows.push(child.clone()),
            Some(section @ ("thead" | "tbody" | "tfoot")) => {
                let section_rows: Vec<Rc<Node>> = children(&child)
                    .into_iter()
                    .filter(|r| tag(r) == Some("tr"))
                    .collect();
                head |= section == "thead" && !section_rows.is_empty();
                rows.extend(section_rows);
            }
            _ => {}
        }
    }
    let first_all_th = rows.first().is_some_and(|r| {
        let cells: Vec<Rc<Node>> = cells(r);
        !cells.is_empty() && cells.iter().all(|c| tag(c) == Some("th"))
    });
    (caption, rows, head || first_all_th)
}

fn cells(row: &Node) -> Vec<Rc<Node>> {
    children(row)
        .into_iter()
        .filter(|c| matches!(tag(c), Some("td" | "th")))
        .collect()
}

/// One position of a table's grid: the text of the cell over it, whether it
/// is where that cell starts, and how many columns the cell spans.
#[derive(Clone)]
struct Slot {
    text: String,
    origin: bool,
    across: usize,
}

/// The rows laid out on the table's grid: a cell spanning rows or columns
/// fills every position it covers. `None` when the grid would be over
/// [`MAX_CELLS`].
fn grid(handlers: &dyn Handlers, rows: &[Rc<Node>]) -> Option<Vec<Vec<Option<Slot>>>> {
    let mut grid: Vec<Vec<Option<Slot>>> = Vec::new();
    let mut size = 0usize;
    for (r, row) in rows.iter().enumerate() {
        let cells = cells(row);
        if cells.is_empty() {
            continue;
        }
        if grid.len() <= r {
            grid.resize_with(r + 1, Vec::new);
        }
        let mut c = 0;
        for cell in cells {
            while grid[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            let span = |key: &str| {
                attr(&cell, key)
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .filter(|n| *n > 0)
                    .unwrap_or(1)
            };
            let across = span("colspan").min(MAX_COLSPAN);
            // A span past the last row stops there (a rowspan of 0, "to the
            // end of the section", is read as 1).
            let down = span("rowspan").min(rows.len() - r);
            size = size.saturating_add(across * down);
            if size > MAX_CELLS {
                return None;
            }
            let text = one_line(&handlers.walk_children(&cell).content);
            for rr in r..r + down {
                if grid.len() <= rr {
                    grid.resize_with(rr + 1, Vec::new);
                }
                let line = &mut grid[rr];
                if line.len() < c + across {
                    line.resize(c + across, None);
                }
                for (k, slot) in line[c..c + across].iter_mut().enumerate() {
                    *slot = Some(Slot {
                        text: text.clone(),
                        origin: rr == r && k == 0,
                        across,
                    });
                }
            }
            c += across;
        }
    }
    grid.retain(|row| !row.is_empty());
    Some(grid)
}

/// A cell's markdown on one line: its lines and blocks joined by spaces
/// (`render::table_markdown` escapes its pipes).
fn one_line(content: &str) -> String {
    content.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use crate::local::html::to_markdown;

    fn table_lines(md: &str) -> Vec<&str> {
        md.lines().filter(|l| l.starts_with('|')).collect()
    }

    #[test]
    fn a_table_without_header_cells_is_a_table_its_first_row_the_header() {
        let html = "<table><tr><td>A</td><td>B</td></tr>\
                    <tr><td>First Line<br>Second Line</td><td>2 | 3</td></tr></table><p>After</p>";
        let md = to_markdown(html, "t.html").unwrap();
        assert_eq!(
            table_lines(&md),
            [
                "| A | B |",
                "| --- | --- |",
                "| First Line Second Line | 2 \\| 3 |"
            ],
            "{md}"
        );
        assert!(md.contains("After"), "{md}");
    }

    #[test]
    fn spanning_cells_fill_every_position_they_cover() {
        let html = r#"<table>
            <tr><th>H1</th><th colspan="2">H2</th></tr>
            <tr><td rowspan="2">R12</td><td>a</td><td>b</td></tr>
            <tr><td colspan="2">c</td></tr>
            <tr><td>d</td><td>e</td><td>f</td></tr></table>"#;
        let md = to_markdown(html, "t.html").unwrap();
        assert_eq!(
            table_lines(&md),
            [
                "| H1 | H2 | H2 |",
                "| --- | --- | --- |",
                "| R12 | a | b |",
                "| R12 | c | c |",
                "| d | e | f |"
            ],
            "{md}"
        );
    }

    #[test]
    fn a_cell_as_wide_as_the_table_is_written_once() {
        let html = r#"<table><tr><td colspan="2">Reading list</td></tr>
            <tr><td>Title</td><td>Author</td></tr>
            <tr><td colspan="2">Fiction</td></tr>
            <tr><td>Dune</td><td>Herbert</td></tr></table>"#;
        let md = to_markdown(html, "t.html").unwrap();
        assert!(
            md.trim_start()
                .starts_with("Reading list\n\n| Title | Author |"),
            "{md}"
        );
        assert_eq!(
            table_lines(&md),
            [
                "| Title | Author |",
                "| --- | --- |",
                "| Fiction |  |",
                "| Dune | Herbert |"
            ],
            "{md}"
        );
    }

    #[test]
    fn a_layout_table_is_text_and_the_tables_inside_it_are_tables() {
        let html = r#"<table><tr><td><h1>News</h1><p>Body text.</p>
            <table><tr><td>x</td><td>1</td></tr><tr><td>y</td><td>2</td></tr></table>
            </td><td>Side</td></tr></table>
            <table><tr><td>Just a boxed paragraph.</td></tr></table>"#;
        let md = to_markdown(html, "t.html").unwrap();
        assert!(md.contains("# News"), "{md}");
        assert_eq!(
            table_lines(&md),
            ["| x | 1 |", "| --- | --- |", "| y | 2 |"],
            "{md}"
        );
        assert!(md.contains("Just a boxed paragraph."), "{md}");
    }

    #[test]
    fn a_table_in_a_data_table_s_cell_is_that_cell_s_text() {
        let html = r#"<table><tr><td>Action</td><td>Detail</td></tr>
            <tr><td>Quack</td><td><table><tr><td>Type</td><td>Sound</td></tr>
            <tr><td>Short</td><td>quak</td></tr></table></td></tr>
            <tr><td>Swim</td><td>Glide</td></tr></table>"#;
        let md = to_markdown(html, "t.html").unwrap();
        assert_eq!(
            table_lines(&md),
            [
                "| Action | Detail |",
                "| --- | --- |",
                "| Quack | Type Sound Short quak |",
                "| Swim | Glide |"
            ],
            "{md}"
        );
    }

    #[test]
    fn hostile_spans_are_read_as_text_not_laid_out() {
        let html = r#"<table><tr><td colspan="1000" rowspan="65534">x</td><td>y</td></tr>
            <tr><td>z</td></tr></table>"#;
        let md = to_markdown(html, "t.html").unwrap();
        // 2 rows: the rowspan stops at the last; 1,001 columns.
        assert_eq!(table_lines(&md).len(), 3, "{md}");
        let many: String = (0..300)
            .map(|_| r#"<tr><td colspan="1000">x</td></tr>"#)
            .collect();
        let md = to_markdown(&format!("<table>{many}</table>"), "t.html").unwrap();
        assert!(table_lines(&md).is_empty(), "{}", &md[..200.min(md.len())]);
        assert!(md.contains('x'));
    }
}
