"""Training, evaluation and the command line: everything that learns or that a person runs by hand."""
