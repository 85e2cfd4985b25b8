"""Import reports as the API shows them: schemas and read services."""
