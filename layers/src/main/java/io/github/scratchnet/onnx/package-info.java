/**
 * Networks leaving scratchnet: a Sequential of the book's layers (and residual blocks) written as
 * an ONNX model that any ONNX runtime serves. It reads the layers and their parameters, nothing
 * of the engines.
 */
package io.github.scratchnet.onnx;
