/**
 * The {@code scratchnet} command: one picocli class per subcommand (train, evaluate, predict,
 * summary, bench), the progress display, plots and reading digit images. User errors become one
 * line and an exit code here.
 */
package io.github.scratchnet.cli;
