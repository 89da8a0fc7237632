//! Small helpers over lopdf objects, a 2-D affine matrix and a fast hash map.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use lopdf::{Dictionary, Document, Object};

/// Follow references (bounded by lopdf); a dangling reference reads as Null.
pub(super) fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(_) => doc.dereference(o).map(|(_, o)| o).unwrap_or(&Object::Null),
        _ => o,
    }
}

pub(super) fn dict_get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    match d.get(key).ok().map(|o| deref(doc, o)) {
        None | Some(Object::Null) => None,
        o => o,
    }
}

pub(super) fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) if r.is_finite() => Some(*r as f64),
        _ => None,
    }
}

/// Numbers of an array object (references followed), e.g. a box or a matrix.
pub(super) fn nums(doc: &Document, o: &Object) -> Vec<f64> {
    match deref(doc, o) {
        Object::Array(a) => a.iter().filter_map(|x| num(deref(doc, x))).collect(),
        _ => Vec::new(),
    }
}

/// Affine matrix in PDF's row-vector convention: [x y 1] × M.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Mat {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
    pub e: f64,
    pub f: f64,
}

impl Mat {
    pub const ID: Mat = Mat { a: 1.0, b: 0.0, c: 0.0, d: 1.0, e: 0.0, f: 0.0 };

    pub fn new(v: &[f64]) -> Option<Mat> {
        (v.len() == 6 && v.iter().all(|x| x.is_finite())).then(|| Mat { a: v[0], b: v[1], c: v[2], d: v[3], e: v[4], f: v[5] })
    }

    /// self × o: apply `self` first, then `o`.
    #[inline]
    pub fn then(&self, o: &Mat) -> Mat {
        Mat {
            a: self.a * o.a + self.b * o.c,
            b: self.a * o.b + self.b * o.d,
            c: self.c * o.a + self.d * o.c,
            d: self.c * o.b + self.d * o.d,
            e: self.e * o.a + self.f * o.c + o.e,
            f: self.e * o.b + self.f * o.d + o.f,
        }
    }

    #[inline]
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (x * self.a + y * self.c + self.e, x * self.b + y * self.d + self.f)
    }
}

/// FxHash (rustc's hasher): integer keys hashed per glyph, SipHash is overkill.
#[derive(Default, Clone, Copy)]
pub(super) struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        for &b in chunks.remainder() {
            self.write_u64(b as u64);
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
