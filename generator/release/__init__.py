"""After the build: publish, export and withdraw releases (mike, and what publishing asks of git)."""
