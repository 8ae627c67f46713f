"""Form layouts: each turns the rows of one form into an Evaluation."""
