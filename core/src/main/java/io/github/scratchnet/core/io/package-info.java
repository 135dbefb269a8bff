/**
 * File formats, apart from the math: NumPy's {@code .npy} and {@code .npz}, the book's pickled
 * params ({@code .pkl}, read by an allow-list that never runs a pickle's code), the choice between
 * them by extension, and writes that go through a temporary file and a rename. Every reader
 * checks lengths against the bytes at hand and names the file in its errors.
 */
package io.github.scratchnet.core.io;
