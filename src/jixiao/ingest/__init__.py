"""bytes → Grid → forms: readers turn a file into a Grid, layouts turn a Grid into forms."""
