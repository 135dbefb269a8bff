/**
 * The book's layers as the book writes them: each class is its math, forward and backward side
 * by side on ND4J operations, the shapes and the book's section in its Javadoc, knowing nothing of
 * its neighbours, of kernels or of threads. {@link io.github.scratchnet.layers.Sequential} composes
 * them and names their parameters the book's way; the presets (DeepConvNet, SimpleConvNet,
 * MultiLayerNet) are Sequentials. This is the reference the fast engine is proven equal to.
 */
package io.github.scratchnet.layers;
