using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Telehealth.Identity.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddStaffLicence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Licence",
                table: "AspNetUsers",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Licence",
                table: "AspNetUsers");
        }
    }
}
