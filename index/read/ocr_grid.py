"""Ruling lines of drawn tables in a page image → Grid (index/read/ocr_layout.py).

Long horizontal and vertical dark runs (morphological opening with a long thin kernel) are
the table's rules; their positions give row and column boundaries, and whether each cell
edge is actually drawn tells merged cells apart. Pure on a numpy image; OpenCV (a
dependency of the OCR engine) does the opening.
"""
from __future__ import annotations

import numpy as np

from index.read.ocr_layout import Grid

DARK = 215           # grey level below which a pixel is ink (light-grey rules included)
EDGE_SHARE = 0.6     # share of a cell edge that must be inked to count as drawn


def _positions(profile: np.ndarray, min_len: int) -> list[int]:
    """Centres of runs of consecutive indices whose profile is ≥ min_len."""
    idx = np.flatnonzero(profile >= min_len)
    if idx.size == 0:
        return []
    out, start, prev = [], idx[0], idx[0]
    for i in idx[1:]:
        if i > prev + 2:
            out.append((start + prev) // 2)
            start = i
        prev = i
    out.append((start + prev) // 2)
    return out


def find_grid(gray: np.ndarray, scale: float) -> Grid | None:
    """The ruled table of a page image (grey, uint8), in PDF points (pixels / scale); None when
    the page has no table of at least 2×2 drawn cells."""
    import cv2
    h, w = gray.shape
    ink = (gray < DARK).astype(np.uint8)
    klen = max(int(25 * scale), 20)           # ≥ 25 pt: longer than any glyph stroke
    hmask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (klen, 1)))
    vmask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, klen)))
    ys = _positions(hmask.sum(axis=1), klen * 2)
    xs = _positions(vmask.sum(axis=0), klen)
    if len(xs) < 3 or len(ys) < 3:
        return None
    # keep the rules inside the horizontal extent of the table (verticals that cross rows)
    top, bottom = ys[0], ys[-1]
    xs = [x for x in xs if vmask[top:bottom + 1, max(x - 2, 0):x + 3].max(axis=1).mean() > 0.3]
    if len(xs) < 3:
        return None
    left, right = xs[0], xs[-1]
    # a rule under a merged header may cover only a few columns: keep any that is long enough
    ys = [y for y in ys if hmask[max(y - 2, 0):y + 3, left:right + 1].max(axis=0).sum() >= 2 * klen]
    if len(ys) < 3:
        return None
    vdrawn = tuple(tuple(c == 0 or _inked(vmask, ys[r], ys[r + 1], xs[c], axis=0)
                         for c in range(len(xs) - 1)) for r in range(len(ys) - 1))
    hdrawn = tuple(tuple(r == 0 or _inked(hmask, xs[c], xs[c + 1], ys[r], axis=1)
                         for c in range(len(xs) - 1)) for r in range(len(ys) - 1))
    return Grid(xs=tuple(x / scale for x in xs), ys=tuple(y / scale for y in ys), vdrawn=vdrawn, hdrawn=hdrawn)


def _inked(mask: np.ndarray, a: int, b: int, at: int, axis: int) -> bool:
    """Is the segment a..b at position `at` (a column when axis=0, a row when axis=1) inked?"""
    lo, hi = a + 3, b - 2
    if hi <= lo:
        return True
    if axis == 0:
        strip = mask[lo:hi, max(at - 2, 0):at + 3].max(axis=1)
    else:
        strip = mask[max(at - 2, 0):at + 3, lo:hi].max(axis=0)
    return float(strip.mean()) >= EDGE_SHARE
