"""`python -m training ...` is the same as `review-reply ...`."""
from training.cli import main

main()
