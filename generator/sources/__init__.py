"""Stage 1, read: editors' files into frozen models; each problem names file and line."""
