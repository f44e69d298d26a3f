"""Entry point of fact extraction: tables and paragraphs → facts (pure)."""
from __future__ import annotations

from typing import Sequence

from index.extract.prose_facts import facts_from_paragraphs
from index.extract.table_facts import facts_from_tables
from index.records import Fact, Paragraph, Table


def extract_facts(tables: Sequence[Table], paragraphs: Sequence[Paragraph]) -> list[Fact]:
    """Every figure of the document as a Fact: table cells first (in table order),
    then prose figures (in paragraph order).  doc_id / fact_id are left empty."""
    return facts_from_tables(tables) + facts_from_paragraphs(paragraphs)
