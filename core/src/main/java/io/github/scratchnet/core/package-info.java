/**
 * The book's primitives: data types, seeded initialisers and generator, named parameters, shapes,
 * the convolution geometry and im2row/row2im (the book's im2col/col2im), and ND4J's set-up
 * ({@link io.github.scratchnet.core.Backend}). Everything here computes with ND4J operations only, so it
 * runs on any backend; it uses neither the CPU runtime ({@code core.cpu}) nor the file formats
 * ({@code core.io}), which ArchitectureTest holds.
 */
package io.github.scratchnet.core;
