#ifndef CADAM_H
#define CADAM_H

/// One Adam step on n parameters (see NeuralNet's Adam.swift for the update):
///   m <- beta1 m + (1 - beta1) g,  v <- beta2 v + (1 - beta2) g g,
///   theta <- theta - step_size m / (sqrt(v inverse_correction2) + epsilon).
/// The four arrays must not overlap.
void cadam_step_f32(float *theta, float *m, float *v, const float *g, long n,
                    float beta1, float beta2, float epsilon, float step_size, float inverse_correction2);
void cadam_step_f64(double *theta, double *m, double *v, const double *g, long n,
                    double beta1, double beta2, double epsilon, double step_size, double inverse_correction2);

#endif
