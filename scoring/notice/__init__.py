"""Decision letters (adverse-action notices / lettres de décision): content, HTML and one-page A4 PDF."""
