/**
 * Engines: how a network is computed. {@link io.github.scratchnet.engine.Engine#BOOK} runs the
 * layers as written; {@link io.github.scratchnet.engine.Engine#FAST} builds a
 * {@link io.github.scratchnet.engine.Plan} from a Sequential's layers that runs the CPU runtime's
 * kernels (core.cpu) on the very parameter arrays the layers hold, fusing convolution, ReLU and
 * pooling where the layers allow, and runs what it has no kernel for as the layer is written.
 * This is the one package that uses the CPU runtime.
 */
package io.github.scratchnet.engine;
