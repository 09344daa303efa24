"""Pure grading: question types, attempt rules and scoring. No Flask, no database."""
