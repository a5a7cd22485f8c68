//! A spreadsheet's sheet as the tables it holds. A sheet is one grid, but
//! people set several tables on it: a title over the data, notes under it, a
//! summary beside it, with empty rows and columns between. Each block of
//! cells set apart by an empty row, or by two empty columns side by side, is
//! a table of its own (a single empty column is a spacer inside a form, and
//! is dropped); empty margins are dropped too. A block of one cell is a line
//! of text (the renderer writes a one-cell table as its content).

use anydoc::model::{Block, Cell, CellSlot, Document, Table};

/// Empty columns side by side that set two tables apart.
const COLUMN_GAP: usize = 2;

/// Rows `start..end`, or columns.
type Span = (usize, usize);

/// Splits every table of `doc` (a workbook: one table per sheet) into the
/// blocks of cells it holds.
pub fn split(doc: &mut Document) {
    let blocks = std::mem::take(&mut doc.blocks);
    for block in blocks {
        match block {
            Block::Table(table) => doc
                .blocks
                .extend(regions(&table).into_iter().map(Block::Table)),
            other => doc.blocks.push(other),
        }
    }
}

/// The tables `table`'s grid holds, top to bottom, then left to right.
fn regions(table: &Table) -> Vec<Table> {
    let height = table.grid.len();
    let width = table.grid.iter().map(Vec::len).max().unwrap_or(0);
    let filled: Vec<Vec<bool>> = (0..height)
        .map(|r| (0..width).map(|c| occupied(table, r, c)).collect())
        .collect();
    let mut found = Vec::new();
    cut(&filled, (0, height), (0, width), &mut found);
    found
        .into_iter()
        .map(|(rows, cols)| sub_table(table, &filled, rows, cols))
        .collect()
}

/// Whether the position holds something: a cell with content, or a position
/// a merged cell with content covers.
fn occupied(table: &Table, r: usize, c: usize) -> bool {
    match table.grid.get(r).and_then(|row| row.get(c)) {
        Some(CellSlot::Origin(cell)) => !cell.is_empty(),
        Some(CellSlot::Covered {
            origin_row,
            origin_col,
        }) => matches!(
            table.grid.get(*origin_row).and_then(|row| row.get(*origin_col)),
            Some(CellSlot::Origin(cell)) if !cell.is_empty()
        ),
        None => false,
    }
}

/// Cuts the block `rows` × `cols` at its empty rows, then at its runs of
/// [`COLUMN_GAP`] empty columns, again inside each piece until nothing
/// cuts; pushes the pieces with their empty margins dropped.
fn cut(filled: &[Vec<bool>], rows: Span, cols: Span, found: &mut Vec<(Span, Span)>) {
    let row_full = |r: usize| (cols.0..cols.1).any(|c| filled[r][c]);
    let col_full = |c: usize| (rows.0..rows.1).any(|r| filled[r][c]);
    let row_runs = runs(rows, row_full, 1);
    if row_runs.len() > 1 {
        for band in row_runs {
            cut(filled, band, cols, found);
        }
        return;
    }
    let Some(&band) = row_runs.first() else {
        return;
    };
    let col_runs = runs(cols, col_full, COLUMN_GAP);
    if col_runs.len() > 1 {
        for part in col_runs {
            cut(filled, band, part, found);
        }
        return;
    }
    if let Some(&part) = col_runs.first() {
        found.push((band, part));
    }
}

/// The stretches of `range` whose positions `full` holds, split where `gap`
/// or more empty positions lie side by side (fewer stay inside a stretch);
/// empty ends dropped.
fn runs(range: Span, full: impl Fn(usize) -> bool, gap: usize) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut empty = 0;
    for i in range.0..range.1 {
        if !full(i) {
            empty += 1;
            continue;
        }
        match out.last_mut() {
            Some(last) if empty < gap => last.1 = i + 1,
            _ => out.push((i, i + 1)),
        }
        empty = 0;
    }
    out
}

/// The block `rows` × `cols` of `table` as a table of its own, without its
/// empty columns. A covered position whose cell starts outside the block
/// (an empty merge cut through) becomes an empty cell.
fn sub_table(table: &Table, filled: &[Vec<bool>], rows: Span, cols: Span) -> Table {
    let kept: Vec<usize> = (cols.0..cols.1)
        .filter(|&c| (rows.0..rows.1).any(|r| filled[r][c]))
        .collect();
    let new_col = |c: usize| kept.iter().position(|&k| k == c);
    let grid = (rows.0..rows.1)
        .map(|r| {
            kept.iter()
                .map(|&c| match table.grid[r].get(c) {
                    Some(CellSlot::Covered {
                        origin_row,
                        origin_col,
                    }) if (rows.0..rows.1).contains(origin_row) => match new_col(*origin_col) {
                        Some(oc) => CellSlot::Covered {
                            origin_row: origin_row - rows.0,
                            origin_col: oc,
                        },
                        None => CellSlot::Origin(Cell::new(Vec::new())),
                    },
                    Some(CellSlot::Origin(cell)) => {
                        // Its span over dropped columns no longer counts.
                        let across = (c..c + cell.col_span.max(1) as usize)
                            .filter(|x| kept.contains(x))
                            .count()
                            .max(1);
                        let down = (cell.row_span.max(1) as usize).min(rows.1 - r);
                        CellSlot::Origin(Cell {
                            col_span: across as u32,
                            row_span: down as u32,
                            ..cell.clone()
                        })
                    }
                    _ => CellSlot::Origin(Cell::new(Vec::new())),
                })
                .collect()
        })
        .collect();
    Table {
        grid,
        header_rows: usize::from(table.header_rows > 0),
        kind: table.kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anydoc::model::{Inline, Style, TableKind};

    fn cell(text: &str) -> CellSlot {
        let blocks = if text.is_empty() {
            Vec::new()
        } else {
            vec![Block::Paragraph(vec![Inline::Text {
                text: text.to_string(),
                style: Style::PLAIN,
            }])]
        };
        CellSlot::Origin(Cell::new(blocks))
    }

    fn table(rows: &[&[&str]]) -> Table {
        Table {
            grid: rows
                .iter()
                .map(|r| r.iter().map(|t| cell(t)).collect())
                .collect(),
            header_rows: 0,
            kind: TableKind::Data,
        }
    }

    fn texts(t: &Table) -> Vec<Vec<String>> {
        t.grid
            .iter()
            .map(|row| {
                row.iter()
                    .map(|s| match s {
                        CellSlot::Origin(c) => c
                            .blocks
                            .iter()
                            .map(|b| match b {
                                Block::Paragraph(i) => i
                                    .iter()
                                    .map(|x| match x {
                                        Inline::Text { text, .. } => text.clone(),
                                        _ => String::new(),
                                    })
                                    .collect::<String>(),
                                _ => String::new(),
                            })
                            .collect(),
                        CellSlot::Covered { .. } => "<covered>".to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_title_a_table_and_one_beside_it_are_three_tables() {
        let sheet = table(&[
            &["Ducks a year", "", "", "", "", ""],
            &["", "", "", "", "", ""],
            &["Year", "", "Ducks", "", "", "Total"],
            &["2019", "", "120", "", "", "255"],
            &["2020", "", "135", "", "", ""],
        ]);
        let found = regions(&sheet);
        let got: Vec<Vec<Vec<String>>> = found.iter().map(texts).collect();
        assert_eq!(
            got,
            [
                vec![vec!["Ducks a year".to_string()]],
                vec![
                    vec!["Year".to_string(), "Ducks".to_string()],
                    vec!["2019".to_string(), "120".to_string()],
                    vec!["2020".to_string(), "135".to_string()],
                ],
                vec![vec!["Total".to_string()], vec!["255".to_string()]],
            ]
        );
    }

    #[test]
    fn a_merged_cell_keeps_its_span_inside_its_table() {
        let mut sheet = table(&[&["", "", ""], &["", "Head", ""], &["", "a", "b"]]);
        sheet.grid[1][1] = CellSlot::Origin(Cell {
            col_span: 2,
            ..match &sheet.grid[1][1] {
                CellSlot::Origin(c) => c.clone(),
                _ => unreachable!(),
            }
        });
        sheet.grid[1][2] = CellSlot::Covered {
            origin_row: 1,
            origin_col: 1,
        };
        let found = regions(&sheet);
        assert_eq!(found.len(), 1);
        assert_eq!(
            texts(&found[0]),
            [vec!["Head", "<covered>"], vec!["a", "b"]]
        );
        assert!(matches!(
            found[0].grid[0][1],
            CellSlot::Covered {
                origin_row: 0,
                origin_col: 0
            }
        ));
    }

    #[test]
    fn an_empty_sheet_holds_no_table() {
        assert!(regions(&table(&[&["", ""], &["", ""]])).is_empty());
    }
}
