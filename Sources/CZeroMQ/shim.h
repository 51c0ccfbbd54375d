#ifndef BATON_CZEROMQ_SHIM_H
#define BATON_CZEROMQ_SHIM_H
#include <zmq.h>
#endif
