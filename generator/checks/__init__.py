"""Stage 2, check: the rules across files that turn sources into problems."""
