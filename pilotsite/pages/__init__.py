"""Pages: the site model, every page's context, citations, and the .qmd sources written from templates."""
