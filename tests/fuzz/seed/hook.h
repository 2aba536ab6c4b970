/* SPDX-License-Identifier: MIT */
/*
 * Force-included (clang -include) into each unit test when it is built a
 * second time as a seed generator (tests/fuzz/build.mk): every call the test
 * makes to a parser of untrusted input goes to seed_<name> in seed.c, which
 * writes the input in the matching fuzz harness's format to
 * $ANVIL_FUZZ_SEEDS/<target>/ and then calls the real function. The
 * headers' own prototypes are renamed with the calls, so the wrappers are
 * declared with exactly the real signatures. Nothing else of the test
 * changes; its verdicts do not matter here.
 */
#ifndef FUZZ_SEED_HOOK_H
#define FUZZ_SEED_HOOK_H

/* lib/mb2.c, lib/cmdline.c, lib/glob.c */
#define mb2_parse(...) seed_mb2_parse(__VA_ARGS__)
#define cmdline_parse(...) seed_cmdline_parse(__VA_ARGS__)
#define cmdline_test_selected(...) seed_cmdline_test_selected(__VA_ARGS__)
#define glob_match(...) seed_glob_match(__VA_ARGS__)
/* lib/elf64.c, lib/manifest.c */
#define elf64_parse(...) seed_elf64_parse(__VA_ARGS__)
#define payload_image_parse(...) seed_payload_image_parse(__VA_ARGS__)
/* lib/acpi.c */
#define acpi_find_table(...) seed_acpi_find_table(__VA_ARGS__)
#define acpi_parse_fadt(...) seed_acpi_parse_fadt(__VA_ARGS__)
#define acpi_aml_find_s5(...) seed_acpi_aml_find_s5(__VA_ARGS__)
/* lib/efi_boot.c */
#define efi_map_convert(...) seed_efi_map_convert(__VA_ARGS__)
#define efi_cmdline_ucs2_to_ascii(...) seed_efi_cmdline_ucs2_to_ascii(__VA_ARGS__)
#define efi_cmdline_strip_self(...) seed_efi_cmdline_strip_self(__VA_ARGS__)
#define efi_cmdline_tidy(...) seed_efi_cmdline_tidy(__VA_ARGS__)
#define efi_cmdline_store(...) seed_efi_cmdline_store(__VA_ARGS__)
/* lib/boot_map.c */
#define boot_map_add(...) seed_boot_map_add(__VA_ARGS__)
#define boot_map_sanitize(...) seed_boot_map_sanitize(__VA_ARGS__)
#define boot_map_sanitize_count(...) seed_boot_map_sanitize_count(__VA_ARGS__)
#define boot_map_reserve(...) seed_boot_map_reserve(__VA_ARGS__)
#define boot_map_find_free(...) seed_boot_map_find_free(__VA_ARGS__)
#define boot_map_usable_bytes(...) seed_boot_map_usable_bytes(__VA_ARGS__)
/* lib/psf.c */
#define psf_parse(...) seed_psf_parse(__VA_ARGS__)
/* lib/abi_check.c, arch/x86_64/lib/x86_passthrough.c, lib/memslot.c */
#define abi_call_name(...) seed_abi_call_name(__VA_ARGS__)
#define abi_case_name_valid(...) seed_abi_case_name_valid(__VA_ARGS__)
#define abi_access_valid(...) seed_abi_access_valid(__VA_ARGS__)
#define abi_inject_problem(...) seed_abi_inject_problem(__VA_ARGS__)
#define x86_msr_passthrough_denied(...) seed_x86_msr_passthrough_denied(__VA_ARGS__)
#define x86_port_passthrough_denied(...) seed_x86_port_passthrough_denied(__VA_ARGS__)
#define memslot_init(...) seed_memslot_init(__VA_ARGS__)
#define memslot_add(...) seed_memslot_add(__VA_ARGS__)
#define memslot_remove(...) seed_memslot_remove(__VA_ARGS__)
#define memslot_find(...) seed_memslot_find(__VA_ARGS__)
#define memslot_translate(...) seed_memslot_translate(__VA_ARGS__)
#define memslot_backs_host_range(...) seed_memslot_backs_host_range(__VA_ARGS__)
/* arch/x86_64/lib/x86_insn.c, x86_gwalk.c */
#define x86_insn_decode(...) seed_x86_insn_decode(__VA_ARGS__)
#define x86_insn_decode_mode(...) seed_x86_insn_decode_mode(__VA_ARGS__)
#define x86_gwalk(...) seed_x86_gwalk(__VA_ARGS__)
/* lib/dt.c */
#define dt_parse(...) seed_dt_parse(__VA_ARGS__)
/* arch/arm64/lib/esr.c, smccc.c */
#define esr_dabt_decode(...) seed_esr_dabt_decode(__VA_ARGS__)
#define esr_iabt_decode(...) seed_esr_iabt_decode(__VA_ARGS__)
#define esr_sysreg_decode(...) seed_esr_sysreg_decode(__VA_ARGS__)
#define esr_wfx_decode(...) seed_esr_wfx_decode(__VA_ARGS__)
#define esr_fsc_decode(...) seed_esr_fsc_decode(__VA_ARGS__)
#define esr_format(...) seed_esr_format(__VA_ARGS__)
#define smccc_fid_decode(...) seed_smccc_fid_decode(__VA_ARGS__)
#define smccc_emulate(...) seed_smccc_emulate(__VA_ARGS__)
/* arch/arm64/lib/vgic_vm.c, vgic_dist.c, vgic_redist.c, vgic_sgi.c, vgic_input.c */
#define vgic_vm_init(...) seed_vgic_vm_init(__VA_ARGS__)
#define vgic_gicd_access(...) seed_vgic_gicd_access(__VA_ARGS__)
#define vgic_gicr_access(...) seed_vgic_gicr_access(__VA_ARGS__)
#define vgic_v2_sgir(...) seed_vgic_v2_sgir(__VA_ARGS__)
#define vgic_v3_sgi(...) seed_vgic_v3_sgi(__VA_ARGS__)
#define vgic_irq_assert(...) seed_vgic_irq_assert(__VA_ARGS__)
#define vgic_irq_deassert(...) seed_vgic_irq_deassert(__VA_ARGS__)
#define vgic_irq_pulse(...) seed_vgic_irq_pulse(__VA_ARGS__)

#endif
