"""After the build: publish, export and withdraw releases (mike and every git call)."""
