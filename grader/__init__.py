"""grader: in-notebook feedback and the batch autograder (being built)."""
