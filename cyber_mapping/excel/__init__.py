"""Excel for people: the submission template, feedback copies and the annex."""
