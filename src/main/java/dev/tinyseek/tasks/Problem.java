package dev.tinyseek.tasks;

/// One problem of a task: the prompt a model sees and the reference answer a verifier accepts.
public record Problem(String prompt, String answer) {
}
