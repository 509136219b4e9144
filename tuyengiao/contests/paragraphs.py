"""A registered document's text as numbered paragraphs: what a question's
``paragraph`` points at and what the practice quiz sends a member back to.

A paragraph is a non-empty line of the document's text (its body, else the text
extracted from its attachments), numbered from 1, as the document page shows it."""

from __future__ import annotations

from tuyengiao.documents.models import Document


def split(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def of_document(document: Document) -> list[str]:
    found = split(document.body)
    if found:
        return found
    texts = document.attachments.values_list("text", flat=True)
    return split("\n".join(t for t in texts if t))
