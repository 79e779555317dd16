"""Stage 5, engine: MkDocs, Material, static-i18n and Pagefind turn content/ into site/."""
