"""Pure matching of research results and technology needs: plain documents in, ranked and
explained matches out. No database, no web."""
