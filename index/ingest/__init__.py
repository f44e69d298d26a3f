"""Ingest: file → records → store. `report` takes one file (its reports parsed, identified,
facts and statements extracted, chunks tokenised and embedded) into one transaction; `bulk`
does many, parsing in a process pool while this process embeds and writes, resumable.

May import: every other package of `index`. Nothing imports it but `qa` and `service`.
"""
