//! Which way up a scan's picture is shown: the transformation the page's
//! content draws it under, and the page's `/Rotate`. A picture stored
//! bottom-up (PDFium writes such scans as `w 0 0 -h 0 h cm`), mirrored or
//! turned reads as garbage to tesseract, which expects rows top to bottom;
//! the pixels decoded here are turned the way a viewer shows them.

use lopdf::{Document, Object, ObjectId};

/// How a picture's pixels are laid out against the page as shown: first
/// transposed (columns become rows), then mirrored left to right and top to
/// bottom. The identity leaves a picture as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Orientation {
    transpose: bool,
    flip_x: bool,
    flip_y: bool,
}

impl Orientation {
    /// The orientation of a picture drawn under the matrix `[a b c d e f]`:
    /// its columns run along (a, b) on the page and its rows, top to
    /// bottom, along (−c, −d). A skewed or degenerate matrix is taken for
    /// its nearest quarter turn.
    pub fn of_matrix(m: [f64; 6]) -> Orientation {
        let [a, b, c, d, ..] = m;
        if a.abs() >= b.abs() {
            // Columns run across the page; rows go down when y falls.
            Orientation {
                transpose: false,
                flip_x: a < 0.0,
                flip_y: d < 0.0,
            }
        } else {
            // Columns run up or down the page, rows across it.
            Orientation {
                transpose: true,
                flip_x: c > 0.0,
                flip_y: b > 0.0,
            }
        }
    }

    /// Whether the pixels are used as stored.
    pub fn is_upright(self) -> bool {
        self == Orientation::default()
    }

    /// This orientation, then the page turned `quarter_turns` times
    /// clockwise (its `/Rotate`). A clockwise quarter turn is a transpose
    /// and then a mirror left to right; a mirror before a transpose is the
    /// other mirror after it.
    pub fn turned(self, quarter_turns: u8) -> Orientation {
        (0..quarter_turns % 4).fold(self, |o, _| Orientation {
            transpose: !o.transpose,
            flip_x: !o.flip_y,
            flip_y: o.flip_x,
        })
    }

    /// The picture's pixels as shown.
    pub fn apply(self, gray: Pixels) -> Pixels {
        let mut gray = if self.transpose {
            transposed(&gray)
        } else {
            gray
        };
        if self.flip_x {
            for row in gray.pixels.chunks_mut(gray.width.max(1) as usize) {
                row.reverse();
            }
        }
        if self.flip_y {
            let width = gray.width as usize;
            let rows: Vec<&[u8]> = gray.pixels.chunks(width.max(1)).rev().collect();
            gray.pixels = rows.concat();
        }
        gray
    }
}

/// Rows of one-byte pixels, top to bottom.
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

fn transposed(gray: &Pixels) -> Pixels {
    let (w, h) = (gray.width as usize, gray.height as usize);
    let mut pixels = vec![255u8; w * h];
    for (y, row) in gray.pixels.chunks(w.max(1)).enumerate().take(h) {
        for (x, p) in row.iter().enumerate() {
            pixels[x * h + y] = *p;
        }
    }
    Pixels {
        width: gray.height,
        height: gray.width,
        pixels,
    }
}

/// The page's `/Rotate`, its own or inherited, as clockwise quarter turns.
pub fn quarter_turns(doc: &Document, page: ObjectId) -> u8 {
    let degrees = match crate::split::inherited(doc, page, b"Rotate") {
        Some(Object::Reference(id)) => doc.get_object(*id).ok().and_then(|o| o.as_i64().ok()),
        Some(other) => other.as_i64().ok(),
        None => None,
    };
    degrees.map_or(0, |d| (d.rem_euclid(360) / 90) as u8)
}

/// The matrix `m` applied after `ctm`, as `cm` sets it.
pub fn concat(m: [f64; 6], ctm: [f64; 6]) -> [f64; 6] {
    [
        m[0] * ctm[0] + m[1] * ctm[2],
        m[0] * ctm[1] + m[1] * ctm[3],
        m[2] * ctm[0] + m[3] * ctm[2],
        m[2] * ctm[1] + m[3] * ctm[3],
        m[4] * ctm[0] + m[5] * ctm[2] + ctm[4],
        m[4] * ctm[1] + m[5] * ctm[3] + ctm[5],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 × 2 picture: row 0 is 1 2 3, row 1 is 4 5 6.
    fn picture() -> Pixels {
        Pixels {
            width: 3,
            height: 2,
            pixels: vec![1, 2, 3, 4, 5, 6],
        }
    }

    fn shown(m: [f64; 6], turns: u8) -> (u32, u32, Vec<u8>) {
        let g = Orientation::of_matrix(m).turned(turns).apply(picture());
        (g.width, g.height, g.pixels)
    }

    #[test]
    fn pictures_come_out_as_their_matrix_shows_them() {
        // Upright, as scanners draw a page.
        assert_eq!(shown([300., 0., 0., 200., 0., 0.], 0).2, [1, 2, 3, 4, 5, 6]);
        assert!(Orientation::of_matrix([300., 0., 0., 200., 0., 0.]).is_upright());
        // Stored bottom-up (PDFium): the last row is shown at the top.
        assert_eq!(
            shown([300., 0., 0., -200., 0., 200.], 0).2,
            [4, 5, 6, 1, 2, 3]
        );
        // Mirrored left to right.
        assert_eq!(
            shown([-300., 0., 0., 200., 300., 0.], 0).2,
            [3, 2, 1, 6, 5, 4]
        );
        // Turned half a turn.
        assert_eq!(
            shown([-300., 0., 0., -200., 300., 200.], 0).2,
            [6, 5, 4, 3, 2, 1]
        );
        // Turned a quarter counter-clockwise (`0 w -h 0 h 0 cm`): the
        // columns run up the page, the rows to the right; the first
        // column is shown at the bottom.
        assert_eq!(
            shown([0., 300., -200., 0., 200., 0.], 0),
            (2, 3, vec![3, 6, 2, 5, 1, 4])
        );
        // A quarter clockwise (`0 -w h 0 0 w cm`).
        assert_eq!(
            shown([0., -300., 200., 0., 0., 300.], 0),
            (2, 3, vec![4, 1, 5, 2, 6, 3])
        );
    }

    #[test]
    fn the_page_rotate_turns_the_shown_picture_clockwise() {
        let upright = [300., 0., 0., 200., 0., 0.];
        assert_eq!(shown(upright, 1), (2, 3, vec![4, 1, 5, 2, 6, 3]));
        assert_eq!(shown(upright, 2), (3, 2, vec![6, 5, 4, 3, 2, 1]));
        assert_eq!(shown(upright, 4), (3, 2, vec![1, 2, 3, 4, 5, 6]));
        // Drawn a quarter counter-clockwise on a page turned a quarter
        // clockwise: upright again.
        assert_eq!(
            shown([0., 300., -200., 0., 200., 0.], 1),
            (3, 2, vec![1, 2, 3, 4, 5, 6])
        );
    }

    #[test]
    fn matrices_concatenate_as_cm_sets_them() {
        // A page flipped by its first `cm`, then a picture placed in it.
        let flipped = concat([1., 0., 0., -1., 0., 792.], [1., 0., 0., 1., 0., 0.]);
        let placed = concat([612., 0., 0., 792., 0., 0.], flipped);
        assert_eq!(placed, [612., 0., 0., -792., 0., 792.]);
        assert_eq!(
            Orientation::of_matrix(placed),
            Orientation::of_matrix([612., 0., 0., -792., 0., 792.])
        );
    }

    #[test]
    fn rotate_is_read_from_the_page_or_its_parents() {
        use lopdf::dictionary;
        let mut doc = Document::with_version("1.5");
        let pages = doc.add_object(dictionary! { "Type" => "Pages", "Rotate" => 270 });
        let own =
            doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages, "Rotate" => -90 });
        let inherits = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages });
        let none = doc.add_object(dictionary! { "Type" => "Page" });
        assert_eq!(quarter_turns(&doc, own), 3);
        assert_eq!(quarter_turns(&doc, inherits), 3);
        assert_eq!(quarter_turns(&doc, none), 0);
    }
}
