// ext2 on-disk structures (revision 0 and 1, little-endian). Only what Sockeye reads or
// writes is named; reserved and later-revision fields are kept as padding so that a
// read-modify-write preserves them.
#pragma once

#include <lib/Types.h>

namespace sk::ext2 {

constexpr u16 super_magic = 0xEF53;
constexpr u64 superblock_offset = 1024;
constexpr u32 root_ino = 2;
constexpr u32 good_old_first_ino = 11;
constexpr u32 good_old_inode_size = 128;
constexpr u32 direct_blocks = 12;
constexpr u32 indirect_block = 12, double_indirect_block = 13, triple_indirect_block = 14;
constexpr u32 n_blocks = 15;
constexpr u32 link_max = 32000;
constexpr u32 name_max = 255;
constexpr u32 fast_symlink_max = 59; // i_block holds 60 bytes; Linux keeps a NUL

// i_mode types (as Linux's S_IF*) and getdents d_type values.
constexpr u32 s_ifmt = 0170000, s_ifsock = 0140000, s_iflnk = 0120000, s_ifreg = 0100000, s_ifblk = 0060000,
              s_ifdir = 0040000, s_ifchr = 0020000, s_ififo = 0010000;
constexpr u8 dt_unknown = 0, dt_fifo = 1, dt_chr = 2, dt_dir = 4, dt_blk = 6, dt_reg = 8, dt_lnk = 10, dt_sock = 12;

// s_feature_compat
constexpr u32 compat_dir_prealloc = 0x1, compat_imagic_inodes = 0x2, compat_has_journal = 0x4,
              compat_ext_attr = 0x8, compat_resize_inode = 0x10, compat_dir_index = 0x20,
              compat_sparse_super2 = 0x200;
// s_feature_incompat
constexpr u32 incompat_compression = 0x1, incompat_filetype = 0x2, incompat_recover = 0x4,
              incompat_journal_dev = 0x8, incompat_meta_bg = 0x10, incompat_extents = 0x40,
              incompat_64bit = 0x80, incompat_mmp = 0x100, incompat_flex_bg = 0x200,
              incompat_ea_inode = 0x400, incompat_dirdata = 0x1000, incompat_csum_seed = 0x2000,
              incompat_largedir = 0x4000, incompat_inline_data = 0x8000, incompat_encrypt = 0x10000,
              incompat_casefold = 0x20000;
constexpr u32 incompat_supported = incompat_filetype;
// s_feature_ro_compat
constexpr u32 ro_compat_sparse_super = 0x1, ro_compat_large_file = 0x2, ro_compat_btree_dir = 0x4,
              ro_compat_huge_file = 0x8, ro_compat_gdt_csum = 0x10, ro_compat_dir_nlink = 0x20,
              ro_compat_extra_isize = 0x40, ro_compat_quota = 0x100, ro_compat_bigalloc = 0x200,
              ro_compat_metadata_csum = 0x400, ro_compat_readonly = 0x1000, ro_compat_project = 0x2000,
              ro_compat_verity = 0x8000;
constexpr u32 ro_compat_supported = ro_compat_sparse_super | ro_compat_large_file;

// i_flags
constexpr u32 flag_index = 0x1000;    // hashed directory: cleared when Sockeye modifies it
constexpr u32 flag_extents = 0x80000; // never valid on ext2
constexpr u32 flag_inline_data = 0x10000000;

// Directory entry file types (with INCOMPAT_FILETYPE).
enum FileType : u8 {
    ft_unknown = 0, ft_reg_file = 1, ft_dir = 2, ft_chrdev = 3, ft_blkdev = 4, ft_fifo = 5, ft_sock = 6, ft_symlink = 7,
};

struct Superblock {
    u32 s_inodes_count;
    u32 s_blocks_count;
    u32 s_r_blocks_count;
    u32 s_free_blocks_count;
    u32 s_free_inodes_count;
    u32 s_first_data_block;
    u32 s_log_block_size;
    u32 s_log_frag_size;
    u32 s_blocks_per_group;
    u32 s_frags_per_group;
    u32 s_inodes_per_group;
    u32 s_mtime;
    u32 s_wtime;
    u16 s_mnt_count;
    u16 s_max_mnt_count;
    u16 s_magic;
    u16 s_state;
    u16 s_errors;
    u16 s_minor_rev_level;
    u32 s_lastcheck;
    u32 s_checkinterval;
    u32 s_creator_os;
    u32 s_rev_level;
    u16 s_def_resuid;
    u16 s_def_resgid;
    // revision 1
    u32 s_first_ino;
    u16 s_inode_size;
    u16 s_block_group_nr;
    u32 s_feature_compat;
    u32 s_feature_incompat;
    u32 s_feature_ro_compat;
    u8 rest1[0x24c - 104];
    u32 s_backup_bgs[2]; // with COMPAT_SPARSE_SUPER2: the only groups besides 0 with a backup
    u8 rest2[1024 - 0x254];
};
static_assert(sizeof(Superblock) == 1024);

struct GroupDescriptor {
    u32 bg_block_bitmap;
    u32 bg_inode_bitmap;
    u32 bg_inode_table;
    u16 bg_free_blocks_count;
    u16 bg_free_inodes_count;
    u16 bg_used_dirs_count;
    u16 bg_flags;
    u8 reserved[12];
};
static_assert(sizeof(GroupDescriptor) == 32);

// The first 128 bytes of every on-disk inode, plus the large-inode fields Sockeye uses.
struct RawInode {
    u16 i_mode;
    u16 i_uid;
    u32 i_size;
    u32 i_atime;
    u32 i_ctime;
    u32 i_mtime;
    u32 i_dtime;
    u16 i_gid;
    u16 i_links_count;
    u32 i_blocks; // 512-byte sectors, including indirect and EA blocks
    u32 i_flags;
    u32 i_osd1;
    u32 i_block[n_blocks];
    u32 i_generation;
    u32 i_file_acl;
    u32 i_size_high; // i_dir_acl for directories on revision 0
    u32 i_faddr;
    u8 l_i_frag;
    u8 l_i_fsize;
    u16 l_i_blocks_hi;
    u16 l_i_uid_high;
    u16 l_i_gid_high;
    u32 l_i_reserved2;
    // Large inodes (s_inode_size > 128); valid up to 128 + i_extra_isize.
    u16 i_extra_isize;
    u16 i_checksum_hi;
    u32 i_ctime_extra;
    u32 i_mtime_extra;
    u32 i_atime_extra;
    u32 i_crtime;
    u32 i_crtime_extra;
    u32 i_version_hi;
    u32 i_projid;
};
static_assert(sizeof(RawInode) == 160);
constexpr u16 large_inode_extra_isize = 32; // what e2fsprogs writes for new inodes

struct DirEntryHeader {
    u32 inode;
    u16 rec_len;
    u8 name_len;
    u8 file_type; // high byte of name_len without INCOMPAT_FILETYPE
};
static_assert(sizeof(DirEntryHeader) == 8);

constexpr u32 dir_rec_len(u32 name_len) { return (8 + name_len + 3) & ~3u; }

} // namespace sk::ext2
