/**
 * The native CPU runtime: GEMMs called straight on the arrays' host memory (oneDNN, OpenBLAS),
 * the worker threads, raw memory copies, Java-array loops for float and double in one place
 * ({@code HeapArray}), and the fast kernels built on them (the per-sample convolution with its
 * fused ReLU and pooling, direct max pooling). Only the engine uses this package: the book's
 * layers and primitives never do, so they stay readable and run on any backend.
 */
package io.github.scratchnet.core.cpu;
