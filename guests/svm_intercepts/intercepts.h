/* SPDX-License-Identifier: MIT */
/* svm_intercepts: the cases, one file per kind of intercept. */
#ifndef SVM_INTERCEPTS_H
#define SVM_INTERCEPTS_H

void msr_cases(void);
void io_cases(void);

#endif
