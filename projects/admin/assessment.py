"""The admin of the assessment models."""
