package dev.tinyseek.tasks;

/// Which part of a task's problems: the training part, or the held-out part that training
/// never sees (for honest accuracy figures).
public enum Split {
    TRAIN, TEST
}
