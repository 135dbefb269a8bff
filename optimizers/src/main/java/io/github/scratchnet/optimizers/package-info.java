/**
 * Update rules (book section 6.1: SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam) that change
 * the network's parameter arrays in place, with their per-key state saved in checkpoints, and
 * learning-rate schedules.
 */
package io.github.scratchnet.optimizers;
