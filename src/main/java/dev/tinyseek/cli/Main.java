package dev.tinyseek.cli;

/// The `tinyseek` command line.
public final class Main {
    public static void main(String[] args) {
        System.out.println("tinyseek");
    }
}
