"""Reading: a file's bytes → pages → lines → blocks (headings, paragraphs, tables) → sections
→ chunks. PDF through pdfplumber (`pdf_reader`, the only module that touches it; words grouped
into lines, ruled tables, doubled glyphs repaired), scanned pages through OCR (`ocr`,
`ocr_layout`, `ocr_grid`, `ocr_cache`), text dumps and CSV exports (`text_reader`,
`csv_reports`); `parse` is the entry point. Pure functions but for reading the file.

May import: `index.records`, `index.errors`. Nothing from the later stages.
"""
