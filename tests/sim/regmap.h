/* SPDX-License-Identifier: MIT */
/*
 * regmap.h - how one simulated meter lays out its readings in registers.
 * The table is at the top of regmap.c and in tests/sim/README.md. The same
 * 100 registers are served as holding (fc 03) and input (fc 04) registers.
 * Any thread; no state.
 */
#ifndef SIM_REGMAP_H
#define SIM_REGMAP_H

#include <stdint.h>

#define SIM_REGMAP_NB_REGISTERS 100

/* Fills regs[0..SIM_REGMAP_NB_REGISTERS-1] (host-order register values, as
 * libmodbus's mapping holds them) from power_kw (>= 0) and energy_kwh. */
void sim_regmap_encode(uint16_t *regs, double power_kw, double energy_kwh);

#endif
